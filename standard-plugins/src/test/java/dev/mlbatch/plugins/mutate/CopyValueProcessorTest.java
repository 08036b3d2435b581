package dev.mlbatch.plugins.mutate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.plugins.testing.ConfigBinding;
import dev.mlbatch.plugins.testing.TestMetrics;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.TestEventKeyFactory;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.mlbatch.plugins.testing.Events.EVALUATOR;
import static dev.mlbatch.plugins.testing.Events.event;
import static dev.mlbatch.plugins.testing.Events.json;
import static dev.mlbatch.plugins.testing.Events.process;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CopyValueProcessorTest {
    private final TestMetrics metrics = TestMetrics.forPlugin("copy_values");

    private CopyValueProcessor processor(final Map<String, Object> settings) {
        return new CopyValueProcessor(metrics.pluginMetrics(), ConfigBinding.bindValid(settings, CopyValueProcessorConfig.class),
                EVALUATOR, TestEventKeyFactory.getTestEventFactory());
    }

    private static Map<String, Object> entry(final String from, final String to) {
        return Map.of("from_key", from, "to_key", to);
    }

    private static Event copyOnce(final CopyValueProcessor processor, final String json) {
        return process(processor, event(json)).get(0);
    }

    @Test
    void binds_every_option_by_its_yaml_name() {
        final CopyValueProcessorConfig config = ConfigBinding.bindValid(Map.of(
                "entries", List.of(Map.of("from_key", "a", "to_key", "b", "overwrite_if_to_key_exists", true, "copy_when", "/x == 1")),
                "from_list", "src", "to_list", "dst", "overwrite_if_to_list_exists", true), CopyValueProcessorConfig.class);
        final CopyValueProcessorConfig.Entry entry = config.getEntries().get(0);
        assertEquals("a", entry.getFromKey());
        assertEquals("b", entry.getToKey());
        assertTrue(entry.getOverwriteIfToKeyExists());
        assertEquals("/x == 1", entry.getCopyWhen());
        assertEquals("src", config.getFromList());
        assertEquals("dst", config.getToList());
        assertTrue(config.getOverwriteIfToListExists());
    }

    @Test
    void defaults_are_no_overwrite_and_no_list_mode() {
        final CopyValueProcessorConfig config = ConfigBinding.bindValid(Map.of("entries", List.of(entry("a", "b"))), CopyValueProcessorConfig.class);
        assertFalse(config.getEntries().get(0).getOverwriteIfToKeyExists());
        assertNull(config.getEntries().get(0).getCopyWhen());
        assertNull(config.getFromList());
        assertFalse(config.getOverwriteIfToListExists());
    }

    @Test
    void rejects_unknown_keys_missing_entries_empty_keys_and_half_a_list_pair() {
        assertThrows(IllegalArgumentException.class, () -> ConfigBinding.bind(
                Map.of("entries", List.of(Map.of("from_key", "a", "to_key", "b", "overwrite", true))), CopyValueProcessorConfig.class));
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of(), CopyValueProcessorConfig.class)).contains("entries is required"));
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of("entries", List.of()), CopyValueProcessorConfig.class))
                .contains("entries must list at least one entry"));
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of("entries", List.of(entry("", "b"))), CopyValueProcessorConfig.class))
                .contains("from_key must not be empty"));
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of("entries", List.of(entry("a", "b")), "from_list", "x"),
                CopyValueProcessorConfig.class)).contains("from_list and to_list must be set together (both or neither)"));
    }

    @Test
    void copies_a_value_and_keeps_the_source() {
        final Event out = copyOnce(processor(Map.of("entries", List.of(entry("message", "copy")))), "{'message': 'hi'}");
        assertEquals(json("{'message': 'hi', 'copy': 'hi'}"), json(out));
    }

    @Test
    void copies_objects_into_nested_targets() {
        final Event out = copyOnce(processor(Map.of("entries", List.of(entry("/doc", "/out/inner")))), "{'doc': {'a': [1, 2]}}");
        assertEquals(json("{'doc': {'a': [1, 2]}, 'out': {'inner': {'a': [1, 2]}}}"), json(out));
    }

    @Test
    void from_key_may_address_array_elements_and_fields_inside_them() {
        final CopyValueProcessor processor = processor(Map.of("entries", List.of(
                entry("/content/0", "/first"), entry("/content/1/text", "/second_text"))));
        final Event out = copyOnce(processor, "{'content': [{'text': 'a'}, {'text': 'b'}]}");
        assertEquals(json("{'text': 'a'}"), json(out).get("first"));
        assertEquals("b", out.get("second_text", String.class));
    }

    @Test
    void the_copy_is_independent_of_the_source() {
        final Event out = copyOnce(processor(Map.of("entries", List.of(entry("/a", "/b")))), "{'a': {'x': 1}}");
        out.put("/a/x", 2);
        assertEquals(1, out.get("/b/x", Integer.class));
    }

    @Test
    void skips_missing_sources_existing_targets_and_same_key_entries() {
        final CopyValueProcessor processor = processor(Map.of("entries", List.of(
                entry("missing", "target"), entry("a", "b"), entry("a", "a"))));
        final Event out = copyOnce(processor, "{'a': 1, 'b': 2}");
        assertEquals(json("{'a': 1, 'b': 2}"), json(out));
        assertEquals(0, metrics.counter(CopyValueProcessor.PROCESSING_ERRORS));
    }

    @Test
    void overwrites_an_existing_target_when_told_to() {
        final CopyValueProcessor processor = processor(Map.of("entries", List.of(
                Map.of("from_key", "a", "to_key", "b", "overwrite_if_to_key_exists", true))));
        assertEquals(json("{'a': 1, 'b': 1}"), json(copyOnce(processor, "{'a': 1, 'b': 2}")));
    }

    @Test
    void copy_when_decides_per_event_with_the_real_expression_language() {
        final CopyValueProcessor processor = processor(Map.of("entries", List.of(
                Map.of("from_key", "a", "to_key", "b", "copy_when", "/kind == \"copy\""))));
        final List<Event> out = process(processor, event("{'a': 1, 'kind': 'copy'}"), event("{'a': 1, 'kind': 'keep'}"),
                event("{'a': 1}"));
        assertEquals(1, out.get(0).get("b", Integer.class));
        assertFalse(out.get(1).containsKey("b"));
        assertFalse(out.get(2).containsKey("b"));
    }

    @Test
    void an_invalid_copy_when_fails_construction_naming_the_entry_and_expression() {
        final InvalidPluginConfigurationException e = assertThrows(InvalidPluginConfigurationException.class, () -> processor(Map.of(
                "entries", List.of(entry("a", "b"), Map.of("from_key", "a", "to_key", "c", "copy_when", "/a ==")))));
        assertTrue(e.getMessage().contains("entries[1].copy_when"), e.getMessage());
        assertTrue(e.getMessage().contains("/a =="), e.getMessage());
    }

    @Test
    void an_invalid_key_fails_construction_naming_the_option() {
        final InvalidPluginConfigurationException e = assertThrows(InvalidPluginConfigurationException.class,
                () -> processor(Map.of("entries", List.of(entry("a", "b"), entry("ok", "bad*key")))));
        assertTrue(e.getMessage().startsWith("entries[1].to_key: \"bad*key\""), e.getMessage());
    }

    @Test
    void a_failing_entry_is_counted_and_skipped_while_the_others_apply() {
        final CopyValueProcessor processor = processor(Map.of("entries", List.of(
                entry("a", "/arr/5"), entry("a", "b"))));
        final Event out = copyOnce(processor, "{'a': 1, 'arr': [0]}");
        assertEquals(json("{'a': 1, 'arr': [0], 'b': 1}"), json(out));
        assertEquals(1, metrics.counter(CopyValueProcessor.PROCESSING_ERRORS));
    }

    @Test
    void returns_the_same_records_it_was_given() {
        final CopyValueProcessor processor = processor(Map.of("entries", List.of(entry("a", "b"))));
        final List<org.opensearch.dataprepper.model.record.Record<Event>> records = new ArrayList<>();
        records.add(new org.opensearch.dataprepper.model.record.Record<>(event("{'a': 1}")));
        assertSame(records, processor.execute(records));
    }

    @Test
    void list_mode_builds_to_list_from_each_object_with_plain_keys() {
        final CopyValueProcessor processor = processor(Map.of(
                "from_list", "/mylist", "to_list", "/newlist",
                "entries", List.of(entry("name", "fruit"), entry("color", "colour"))));
        final Event out = copyOnce(processor, "{'mylist': [{'name': 'apple', 'color': 'red'}, {'name': 'kiwi'}]}");
        assertEquals(json("[{'fruit': 'apple', 'colour': 'red'}, {'fruit': 'kiwi'}]"), json(out).get("newlist"));
        assertEquals(json("[{'name': 'apple', 'color': 'red'}, {'name': 'kiwi'}]"), json(out).get("mylist"));
    }

    @Test
    void list_mode_leaves_an_existing_to_list_unless_told_to_overwrite() {
        final Map<String, Object> base = Map.of("from_list", "src", "to_list", "dst", "entries", List.of(entry("a", "b")));
        assertEquals(json("[1]"), json(copyOnce(processor(base), "{'src': [{'a': 1}], 'dst': [1]}")).get("dst"));
        final Map<String, Object> overwrite = new java.util.HashMap<>(base);
        overwrite.put("overwrite_if_to_list_exists", true);
        assertEquals(json("[{'b': 1}]"), json(copyOnce(processor(overwrite), "{'src': [{'a': 1}], 'dst': [1]}")).get("dst"));
    }

    @Test
    void list_mode_evaluates_copy_when_once_against_the_whole_event() {
        final CopyValueProcessor processor = processor(Map.of("from_list", "src", "to_list", "dst", "entries", List.of(
                Map.of("from_key", "a", "to_key", "b", "copy_when", "/enabled == true"),
                entry("a", "c"))));
        assertEquals(json("[{'b': 1, 'c': 1}]"), json(copyOnce(processor, "{'enabled': true, 'src': [{'a': 1}]}")).get("dst"));
        assertEquals(json("[{'c': 1}]"), json(copyOnce(processor, "{'enabled': false, 'src': [{'a': 1}]}")).get("dst"));
    }

    @Test
    void list_mode_with_a_bad_source_leaves_the_event_unchanged_and_counts_it() {
        final CopyValueProcessor processor = processor(Map.of("from_list", "src", "to_list", "dst", "entries", List.of(entry("a", "b"))));
        assertEquals(json("{'src': {'a': 1}}"), json(copyOnce(processor, "{'src': {'a': 1}}")));
        assertEquals(json("{'src': [{'a': 1}, 2]}"), json(copyOnce(processor, "{'src': [{'a': 1}, 2]}")));
        assertEquals(json("{'other': 1}"), json(copyOnce(processor, "{'other': 1}")));
        assertEquals(2, metrics.counter(CopyValueProcessor.PROCESSING_ERRORS));
    }

    @Test
    void from_list_entries_are_plain_keys_so_they_may_hold_any_characters() {
        final CopyValueProcessor processor = processor(Map.of("from_list", "src", "to_list", "dst",
                "entries", List.of(entry("a/b*", "c d"))));
        final JsonNode dst = json(copyOnce(processor, "{'src': [{'a/b*': 1}]}")).get("dst");
        assertEquals(json("[{'c d': 1}]"), dst);
    }
}
