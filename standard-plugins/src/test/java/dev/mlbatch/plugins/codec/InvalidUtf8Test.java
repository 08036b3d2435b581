package dev.mlbatch.plugins.codec;

import dev.mlbatch.plugins.testing.ConfigBinding;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.event.Event;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bytes that are not UTF-8: replaced by U+FFFD as before, but the records that held them are tagged with their line. */
class InvalidUtf8Test {
    /** Latin-1 "café" (0xE9 alone is not UTF-8), a lone continuation byte, a truncated 3-byte sequence, and 0xFF. */
    private static byte[] bytes(final Object... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final Object part : parts) {
            final byte[] b = part instanceof String ? ((String) part).getBytes(StandardCharsets.UTF_8) : (byte[]) part;
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    private static final byte[] LATIN1_E_ACUTE = {(byte) 0xE9};
    private static final byte[] LONE_CONTINUATION = {(byte) 0x80};
    private static final byte[] TRUNCATED_EURO = {(byte) 0xE2, (byte) 0x82};
    private static final byte[] FF = {(byte) 0xFF};

    private static List<Long> invalidLines(final List<Event> events) {
        final List<Long> lines = new ArrayList<>();
        for (final Event event : events) {
            final boolean tagged = event.getMetadata().getTags().contains(Utf8CheckingReader.INVALID_UTF8_TAG);
            final Object line = event.getMetadata().getAttribute(Utf8CheckingReader.INVALID_UTF8_LINE_ATTRIBUTE);
            assertEquals(tagged, line != null, event.toJsonString());
            lines.add(line == null ? null : (Long) line);
        }
        return lines;
    }

    @Test
    void ndjson_keeps_the_record_with_replacement_and_tags_it_with_its_line() throws IOException {
        final byte[] input = bytes(
                "{\"_id\":\"1\",\"text\":\"good\"}\n",
                "{\"_id\":\"2\",\"text\":\"caf", LATIN1_E_ACUTE, "\"}\n",
                "{\"_id\":\"3\",\"text\":\"fine \u20ac\"}\r\n",
                "{\"_id\":\"4\",\n \"text\":\"x", LONE_CONTINUATION, TRUNCATED_EURO, "y\"}\n",
                "{\"_id\":\"5\",\"text\":\"ok\"}\n");
        final CodecRun run = CodecRun.withHandler(new NdjsonInputCodec(ConfigBinding.bindValid(Map.of(), NdjsonInputCodecConfig.class)), input);
        assertNull(run.thrown);
        assertTrue(run.malformed.isEmpty());
        assertEquals(List.of("{\"_id\":\"1\",\"text\":\"good\"}", "{\"_id\":\"2\",\"text\":\"caf\uFFFD\"}",
                "{\"_id\":\"3\",\"text\":\"fine \u20ac\"}", "{\"_id\":\"4\",\"text\":\"x\uFFFD\uFFFDy\"}",
                "{\"_id\":\"5\",\"text\":\"ok\"}"), run.json);
        // Record 4 starts on line 4 and its bad bytes are on line 5: the record is tagged with line 5.
        assertEquals(java.util.Arrays.asList(null, 2L, null, 5L, null), invalidLines(run.events));
    }

    @Test
    void ndjson_arrays_and_the_json_codec_are_decoded_the_same_way_instead_of_failing() throws IOException {
        final byte[] array = bytes("[\n{\"a\":\"ok\"},\n{\"a\":\"", FF, "\"},\n{\"a\":\"ok\"}\n]\n");
        final CodecRun ndjson = CodecRun.withHandler(new NdjsonInputCodec(ConfigBinding.bindValid(Map.of(), NdjsonInputCodecConfig.class)), array);
        assertNull(ndjson.thrown);
        assertEquals(List.of("{\"a\":\"ok\"}", "{\"a\":\"\uFFFD\"}", "{\"a\":\"ok\"}"), ndjson.json);
        assertEquals(java.util.Arrays.asList(null, 3L, null), invalidLines(ndjson.events));

        final byte[] document = bytes("{\"records\": [\n{\"a\":\"ok\"},\n{\"a\":\"", LATIN1_E_ACUTE, "\"}]}");
        final CodecRun json = CodecRun.withHandler(new JsonInputCodec(ConfigBinding.bindValid(Map.of(), JsonInputCodecConfig.class)), document);
        assertNull(json.thrown);
        assertEquals(List.of("{\"a\":\"ok\"}", "{\"a\":\"\uFFFD\"}"), json.json);
        assertEquals(java.util.Arrays.asList(null, 3L), invalidLines(json.events));
    }

    @Test
    void newline_codec_tags_the_line_counting_skipped_and_header_lines() throws IOException {
        final byte[] input = bytes("skipped\nheader\nfirst\nse", FF, "cond\nthird");
        final CodecRun run = CodecRun.withHandler(new NewlineDelimitedInputCodec(ConfigBinding.bindValid(
                Map.of("skip_lines", 1, "header_destination", "h"), NewlineDelimitedInputCodecConfig.class)), input);
        assertEquals(3, run.events.size());
        assertEquals("se\uFFFDcond", run.events.get(1).get("message", String.class));
        assertEquals(java.util.Arrays.asList(null, 4L, null), invalidLines(run.events));
    }

    @Test
    void a_bad_byte_outside_a_string_is_a_malformed_line_reported_with_its_number() throws IOException {
        final byte[] input = bytes("{\"a\":1}\n{\"a\":", FF, "}\n{\"a\":3}\n");
        final CodecRun run = CodecRun.withHandler(new NdjsonInputCodec(ConfigBinding.bindValid(Map.of(), NdjsonInputCodecConfig.class)), input);
        assertEquals(List.of("{\"a\":1}", "{\"a\":3}"), run.json);
        assertEquals(1, run.malformed.size());
        assertEquals(2, run.malformed.get(0).getLineNumber());
        assertFalse(run.events.get(1).getMetadata().getTags().contains(Utf8CheckingReader.INVALID_UTF8_TAG));
    }

    @Test
    void the_reader_decodes_exactly_as_input_stream_reader_does_and_counts_each_replacement() throws IOException {
        // Random bytes with line breaks, read in odd chunk sizes so sequences straddle the reader's buffers.
        final Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            final byte[] input = new byte[200_000 + random.nextInt(1000)];
            random.nextBytes(input);
            for (int i = 0; i < input.length; i += 1 + random.nextInt(200)) {
                input[i] = (byte) (random.nextBoolean() ? '\n' : 'a');
            }
            for (int i = 0; i + 2 < input.length; i++) {
                if (input[i] == (byte) 0xEF && input[i + 1] == (byte) 0xBF && input[i + 2] == (byte) 0xBD) {
                    input[i] = 'a'; // a U+FFFD that was in the input is not a replacement
                }
            }
            final String expected = readAll(new InputStreamReader(new ByteArrayInputStream(input), StandardCharsets.UTF_8), 8192);
            final Utf8CheckingReader reader = new Utf8CheckingReader(new ByteArrayInputStream(input));
            final String actual = readAll(reader, 1 + random.nextInt(7000));
            assertEquals(expected, actual, "round " + round);
            assertEquals(expected.chars().filter(c -> c == '\uFFFD').count(), reader.getReplacementCount(), "round " + round);
        }
        final Utf8CheckingReader valid = new Utf8CheckingReader(new ByteArrayInputStream("a\u20acb\n\uD83D\uDE00".getBytes(StandardCharsets.UTF_8)));
        assertEquals("a\u20acb\n\uD83D\uDE00", readAll(valid, 1));
        assertEquals(0, valid.getReplacementCount());
        final Utf8CheckingReader truncatedAtEnd = new Utf8CheckingReader(new ByteArrayInputStream(bytes("ab", TRUNCATED_EURO)));
        assertEquals("ab\uFFFD", readAll(truncatedAtEnd, 64));
        assertEquals(1, truncatedAtEnd.firstInvalidLine(1, 1));
    }

    private static String readAll(final Reader reader, final int chunk) throws IOException {
        final StringWriter out = new StringWriter();
        final char[] buffer = new char[chunk];
        int n;
        while ((n = reader.read(buffer, 0, buffer.length)) != -1) {
            out.write(buffer, 0, n);
        }
        return out.toString();
    }

}
