package dev.mlbatch.plugins.codec;

import dev.mlbatch.plugins.testing.ConfigBinding;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonInputCodecTest {

    private static JsonInputCodec codec(final Map<String, Object> settings) {
        return new JsonInputCodec(ConfigBinding.bindValid(settings, JsonInputCodecConfig.class));
    }

    private static String q(final String json) {
        return json.replace('\'', '"');
    }

    @Test
    void binds_every_option_by_its_yaml_name_and_validates_them() {
        final JsonInputCodecConfig config = ConfigBinding.bindValid(Map.of("key_name", "records", "include_keys", List.of("a"),
                "include_keys_metadata", List.of("b"), "max_event_length", 30_000_000), JsonInputCodecConfig.class);
        assertEquals("records", config.getKeyName());
        assertEquals(List.of("a"), config.getIncludeKeys());
        assertEquals(List.of("b"), config.getIncludeKeysMetadata());
        assertEquals(30_000_000, config.getMaxEventLength());
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of("key_name", ""), JsonInputCodecConfig.class))
                .contains("key_name must be 1 to 2048 characters long"));
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of("max_event_length", 10), JsonInputCodecConfig.class))
                .contains("max_event_length must be at least 20000000"));
    }

    @Test
    void emits_each_object_of_a_top_level_array() throws IOException {
        final CodecRun run = CodecRun.withHandler(codec(Map.of()), q("[{'a':1},{'a':2}]"));
        assertEquals(List.of(q("{'a':1}"), q("{'a':2}")), run.json);
        assertEquals("LOG", run.events.get(0).getMetadata().getEventType());
    }

    @Test
    void emits_each_object_of_an_array_field_even_after_nested_objects() throws IOException {
        final CodecRun run = CodecRun.withHandler(codec(Map.of()),
                q("{'meta': {'count': 2}, 'records': [{'a':1}, {'a':2}], 'tail': 1}"));
        assertEquals(List.of(q("{'a':1}"), q("{'a':2}")), run.json);
    }

    @Test
    void key_name_selects_the_records_array_at_any_depth() throws IOException {
        final String document = q("{'other': [{'x':0}], 'data': {'items': [{'a':1}]}}");
        assertEquals(List.of(q("{'a':1}")), CodecRun.withHandler(codec(Map.of("key_name", "items")), document).json);
        assertEquals(List.of(q("{'x':0}"), q("{'a':1}")), CodecRun.withHandler(codec(Map.of()), document).json);
        assertEquals(List.of(), CodecRun.withHandler(codec(Map.of("key_name", "items")), q("[{'a':1}]")).json);
    }

    @Test
    void include_keys_and_include_keys_metadata_copy_fields_seen_before_the_array() throws IOException {
        final CodecRun run = CodecRun.withHandler(codec(Map.of("include_keys", List.of("batch"),
                "include_keys_metadata", List.of("source"))), q("{'batch': 7, 'source': 's3', 'records': [{'a':1}], 'late': 1}"));
        assertEquals(List.of(q("{'a':1,'batch':'7'}")), run.json);
        assertEquals("s3", run.events.get(0).getMetadata().getAttribute("source"));
    }

    @Test
    void a_non_object_element_is_reported_with_its_line_and_skipped() throws IOException {
        final CodecRun run = CodecRun.withHandler(codec(Map.of()), "{\"records\": [\n{\"a\":1},\n\"text\",\n{\"a\":2}]}");
        assertEquals(List.of(q("{'a':1}"), q("{'a':2}")), run.json);
        assertEquals(1, run.malformed.size());
        assertEquals(3, run.malformed.get(0).getLineNumber());
        assertNull(run.thrown);
    }

    @Test
    void a_syntax_error_stops_parsing_after_delivering_earlier_records() throws IOException {
        final CodecRun run = CodecRun.plain(codec(Map.of()), "[\n{\"a\":1},\n{\"a\" 2}\n]");
        assertEquals(List.of(q("{'a':1}")), run.json);
        assertFalse(run.thrown.isInputFullyRead());
        assertEquals(3, run.thrown.getMalformedRecords().get(0).getLineNumber());
    }

    @Test
    void a_scalar_document_is_malformed() throws IOException {
        final CodecRun run = CodecRun.withHandler(codec(Map.of()), "42");
        assertTrue(run.malformed.get(0).getReason().contains("expected a JSON object or array"), run.malformed.get(0).getReason());
        assertFalse(run.thrown.isInputFullyRead());
    }

    @Test
    void streams_a_large_array() throws IOException {
        final int records = 200_000;
        final GeneratedLines input = new GeneratedLines(records + 2, i -> i == 0 ? "{\"records\": ["
                : i == records + 1 ? "{\"last\":true}]}" : "{\"id\":" + i + ",\"text\":\"a document\"},");
        final AtomicLong count = new AtomicLong();
        codec(Map.of()).parse(input, record -> count.incrementAndGet(), bad -> { throw new AssertionError(bad.toString()); });
        assertEquals(records + 1, count.get());
    }
}
