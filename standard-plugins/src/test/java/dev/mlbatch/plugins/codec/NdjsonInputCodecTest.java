package dev.mlbatch.plugins.codec;

import dev.mlbatch.plugins.testing.ConfigBinding;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NdjsonInputCodecTest {

    private static NdjsonInputCodec codec(final Map<String, Object> settings) {
        return new NdjsonInputCodec(ConfigBinding.bindValid(settings, NdjsonInputCodecConfig.class));
    }

    @Test
    void binds_include_empty_objects_default_false() {
        assertFalse(ConfigBinding.bindValid(Map.of(), NdjsonInputCodecConfig.class).isIncludeEmptyObjects());
        assertTrue(ConfigBinding.bindValid(Map.of("include_empty_objects", true), NdjsonInputCodecConfig.class).isIncludeEmptyObjects());
        assertThrows(IllegalArgumentException.class, () -> ConfigBinding.bind(Map.of("include_empty", true), NdjsonInputCodecConfig.class));
    }

    @Test
    void reads_one_object_per_line_as_log_events() throws IOException {
        final CodecRun run = CodecRun.withHandler(codec(Map.of()), "{\"a\":1}\n{\"b\":\"x\"}\r\n\n{\"c\":[1,2]}");
        assertEquals(List.of("{\"a\":1}", "{\"b\":\"x\"}", "{\"c\":[1,2]}"), run.json);
        assertEquals("LOG", run.events.get(0).getMetadata().getEventType());
        assertTrue(run.malformed.isEmpty());
        assertNull(run.thrown);
    }

    @Test
    void reads_concatenated_objects_and_pretty_printed_objects() throws IOException {
        final CodecRun run = CodecRun.withHandler(codec(Map.of()), "{\"a\":1}{\"a\":2} {\"a\":3}\n{\n  \"a\": 4,\n  \"b\": [5]\n}\n");
        assertEquals(List.of("{\"a\":1}", "{\"a\":2}", "{\"a\":3}", "{\"a\":4,\"b\":[5]}"), run.json);
    }

    @Test
    void reads_a_json_array_of_objects_streaming() throws IOException {
        final CodecRun run = CodecRun.withHandler(codec(Map.of()), "\n  [\n{\"a\":1},\n{\"a\":2}\n]\n");
        assertEquals(List.of("{\"a\":1}", "{\"a\":2}"), run.json);
    }

    @Test
    void drops_empty_objects_unless_told_to_keep_them() throws IOException {
        assertEquals(List.of("{\"a\":1}"), CodecRun.withHandler(codec(Map.of()), "{}\n{\"a\":1}\n[{}]").json);
        assertEquals(List.of("{}", "{\"a\":1}", "{}"),
                CodecRun.withHandler(codec(Map.of("include_empty_objects", true)), "{}\n{\"a\":1}\n[{}]").json);
    }

    @Test
    void reports_malformed_lines_with_their_numbers_and_keeps_reading() throws IOException {
        final String input = "{\"a\":1}\n{\"a\": tru}\n{\"a\":3}\n42\n{\"a\":5}\n{\"a\":6";
        final CodecRun run = CodecRun.withHandler(codec(Map.of()), input);
        assertEquals(List.of("{\"a\":1}", "{\"a\":3}", "{\"a\":5}"), run.json);
        assertEquals(3, run.malformed.size());
        assertEquals(2, run.malformed.get(0).getLineNumber());
        assertTrue(run.malformed.get(0).getColumnNumber() > 0);
        assertEquals(4, run.malformed.get(1).getLineNumber());
        assertTrue(run.malformed.get(1).getReason().contains("expected a JSON object but found a number"), run.malformed.get(1).getReason());
        assertEquals(6, run.malformed.get(2).getLineNumber());
        assertTrue(run.malformed.get(2).getReason().contains("end of input"), run.malformed.get(2).getReason());
        assertNull(run.thrown, "recoverable errors are reported to the handler, not thrown");
    }

    @Test
    void a_truncated_line_does_not_take_the_next_good_line_with_it() throws IOException {
        final CodecRun run = CodecRun.withHandler(codec(Map.of()), "{\"a\":1\n{\"a\":2}\n{\"a\":3}\n");
        assertEquals(List.of("{\"a\":2}", "{\"a\":3}"), run.json);
        assertEquals(1, run.malformed.size());
        assertEquals(1, run.malformed.get(0).getLineNumber());
        assertTrue(run.malformed.get(0).getReason().contains("detected at line 2"), run.malformed.get(0).getReason());
    }

    @Test
    void the_plain_input_codec_contract_throws_after_delivering_every_good_record() throws IOException {
        final CodecRun run = CodecRun.plain(codec(Map.of()), "{\"a\":1}\nnot json\n{\"a\":3}\n");
        assertEquals(List.of("{\"a\":1}", "{\"a\":3}"), run.json);
        assertEquals(1, run.thrown.getMalformedRecordCount());
        assertTrue(run.thrown.isInputFullyRead());
        assertEquals(2, run.thrown.getMalformedRecords().get(0).getLineNumber());
        // The column is Jackson's (where it reports the bad token), which differs between Jackson versions.
        assertTrue(run.thrown.getMessage().matches("(?s)1 malformed record skipped: line 2, column \\d+: Unrecognized token 'not'.*"),
                run.thrown.getMessage());
    }

    @Test
    void a_syntax_error_inside_an_array_stops_parsing_and_says_where() throws IOException {
        final CodecRun run = CodecRun.withHandler(codec(Map.of()), "[\n{\"a\":1},\n{\"a\":2},,\n{\"a\":3}\n]");
        assertEquals(List.of("{\"a\":1}", "{\"a\":2}"), run.json);
        assertEquals(1, run.malformed.size());
        assertEquals(3, run.malformed.get(0).getLineNumber());
        assertFalse(run.thrown.isInputFullyRead());
    }

    @Test
    void a_non_object_array_element_is_reported_and_skipped() throws IOException {
        final CodecRun run = CodecRun.plain(codec(Map.of()), "[{\"a\":1}, [1, 2], {\"a\":2}]");
        assertEquals(List.of("{\"a\":1}", "{\"a\":2}"), run.json);
        assertTrue(run.thrown.isInputFullyRead());
        assertTrue(run.thrown.getMessage().contains("array element is not a JSON object but an array"), run.thrown.getMessage());
    }

    @Test
    void does_not_close_the_callers_stream() throws IOException {
        final boolean[] closed = {false};
        final InputStream input = new java.io.ByteArrayInputStream("{\"a\":1}".getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        codec(Map.of()).parse(input, record -> { });
        assertFalse(closed[0]);
    }

    @Test
    void streams_a_large_input_without_holding_it() throws IOException {
        final int lines = 300_000;
        final InputStream generated = new GeneratedLines(lines, i -> i % 100_000 == 99_999
                ? "{\"id\":" + i + ",\"text\":\"broken\"" : "{\"id\":" + i + ",\"text\":\"document number " + i + "\"}");
        final AtomicLong count = new AtomicLong();
        final AtomicLong idSum = new AtomicLong();
        final AtomicLong malformed = new AtomicLong();
        final Consumer<Record<Event>> consumer = record -> {
            count.incrementAndGet();
            idSum.addAndGet(record.getData().get("id", Long.class));
        };
        codec(Map.of()).parse(generated, consumer, bad -> {
            malformed.incrementAndGet();
            assertEquals(0, (bad.getLineNumber()) % 100_000, "line " + bad.getLineNumber());
        });
        assertEquals(lines - 3, count.get());
        assertEquals(3, malformed.get());
        final long all = (long) lines * (lines - 1) / 2;
        assertEquals(all - 99_999 - 199_999 - 299_999, idSum.get());
    }
}
