package dev.mlbatch.plugins.mutate;

import dev.mlbatch.plugins.testing.ConfigBinding;
import dev.mlbatch.plugins.testing.TestMetrics;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventKey;
import org.opensearch.dataprepper.model.event.TestEventKeyFactory;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.mlbatch.plugins.testing.Events.EVALUATOR;
import static dev.mlbatch.plugins.testing.Events.event;
import static dev.mlbatch.plugins.testing.Events.json;
import static dev.mlbatch.plugins.testing.Events.process;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeleteEntryProcessorTest {
    private final TestMetrics metrics = TestMetrics.forPlugin("delete_entries");

    private DeleteEntryProcessor processor(final Map<String, Object> settings) {
        return new DeleteEntryProcessor(metrics.pluginMetrics(), ConfigBinding.bindValid(settings, DeleteEntryProcessorConfig.class),
                EVALUATOR, TestEventKeyFactory.getTestEventFactory());
    }

    private static String deleteOnce(final DeleteEntryProcessor processor, final String json) {
        return process(processor, event(json)).get(0).toJsonString();
    }

    private static void assertJson(final String expected, final String actual) {
        assertEquals(json(expected), json(actual));
    }

    private static Set<String> violations(final Map<String, Object> settings) {
        return ConfigBinding.violations(ConfigBinding.bind(settings, DeleteEntryProcessorConfig.class));
    }

    // --- configuration ---

    @Test
    void binds_every_top_level_option_by_its_yaml_name() {
        final DeleteEntryProcessorConfig config = ConfigBinding.bindValid(Map.of(
                "with_keys_regex", List.of("tmp_.*"), "exclude_from_delete", List.of("tmp_keep"),
                "delete_when", "/a == 1", "iterate_on", "items", "delete_from_element_when", "/b == 2"),
                DeleteEntryProcessorConfig.class);
        assertEquals(List.of("tmp_.*"), config.getWithKeysRegex());
        assertEquals(Set.of("tmp_keep"), config.getExcludeFromDelete().stream().map(EventKey::getKey).collect(Collectors.toSet()));
        assertEquals("/a == 1", config.getDeleteWhen());
        assertEquals("items", config.getIterateOn());
        assertEquals("/b == 2", config.getDeleteFromElementWhen());
        assertEquals(List.of("x"), ConfigBinding.bindValid(Map.of("with_keys", List.of("x")), DeleteEntryProcessorConfig.class)
                .getWithKeys().stream().map(EventKey::getKey).collect(Collectors.toList()));
    }

    @Test
    void binds_every_entry_option_by_its_yaml_name() {
        final DeleteEntryProcessorConfig config = ConfigBinding.bindValid(Map.of("entries", List.of(Map.of(
                "with_keys", List.of("k"), "with_keys_regex", List.of("r.*"), "exclude_from_delete", List.of("rx"),
                "delete_when", "/a == 1", "iterate_on", "items", "delete_from_element_when", "/b == 2"))),
                DeleteEntryProcessorConfig.class);
        final DeleteEntryProcessorConfig.Entry entry = config.getEntries().get(0);
        assertEquals("k", entry.getWithKeys().get(0).getKey());
        assertEquals(List.of("r.*"), entry.getWithKeysRegex());
        assertEquals("rx", entry.getExcludeFromDelete().iterator().next().getKey());
        assertEquals("/a == 1", entry.getDeleteWhen());
        assertEquals("items", entry.getIterateOn());
        assertEquals("/b == 2", entry.getDeleteFromElementWhen());
    }

    @Test
    void validation_names_each_broken_rule() {
        final String exactlyOne = "exactly one of entries, with_keys or with_keys_regex must be set";
        assertTrue(violations(Map.of()).contains(exactlyOne));
        assertTrue(violations(Map.of("with_keys", List.of("a"), "with_keys_regex", List.of("b"))).contains(exactlyOne));
        assertTrue(violations(Map.of("with_keys", List.of("a"), "entries", List.of(Map.of("with_keys", List.of("b")))))
                .contains(exactlyOne));
        assertTrue(violations(Map.of("with_keys", List.of("a"), "exclude_from_delete", List.of("b")))
                .contains("exclude_from_delete is only allowed together with with_keys_regex"));
        assertTrue(violations(Map.of("with_keys", List.of("a"), "delete_from_element_when", "/x == 1"))
                .contains("delete_from_element_when only applies when iterate_on is set"));
        assertTrue(violations(Map.of("entries", List.of(Map.of("with_keys", List.of("b"))), "delete_when", "/x == 1"))
                .stream().anyMatch(m -> m.startsWith("with entries, put exclude_from_delete")));
        assertTrue(violations(Map.of("entries", List.of(Map.of("delete_when", "/x == 1"))))
                .contains("each entry needs with_keys or with_keys_regex (or both)"));
        assertTrue(violations(Map.of("entries", List.of(Map.of("with_keys", List.of("a"), "exclude_from_delete", List.of("b")))))
                .contains("exclude_from_delete is only allowed together with with_keys_regex"));
        assertThrows(IllegalArgumentException.class, () -> ConfigBinding.bind(Map.of("with_key", List.of("a")), DeleteEntryProcessorConfig.class));
    }

    @Test
    void invalid_expressions_and_regexes_fail_construction_naming_the_option() {
        InvalidPluginConfigurationException e = assertThrows(InvalidPluginConfigurationException.class,
                () -> processor(Map.of("with_keys", List.of("a"), "delete_when", "/a ==")));
        assertTrue(e.getMessage().startsWith("delete_when: \"/a ==\""), e.getMessage());
        e = assertThrows(InvalidPluginConfigurationException.class, () -> processor(Map.of("entries", List.of(
                Map.of("with_keys", List.of("a")),
                Map.of("with_keys", List.of("a"), "iterate_on", "l", "delete_from_element_when", "(((")))));
        assertTrue(e.getMessage().startsWith("entries[1].delete_from_element_when: \"(((\""), e.getMessage());
        e = assertThrows(InvalidPluginConfigurationException.class, () -> processor(Map.of("with_keys_regex", List.of("ok", "[unclosed"))));
        assertTrue(e.getMessage().startsWith("with_keys_regex: \"[unclosed\" is not a valid regular expression"), e.getMessage());
    }

    // --- with_keys ---

    @Test
    void deletes_listed_keys_at_any_depth_and_ignores_missing_ones() {
        final DeleteEntryProcessor processor = processor(Map.of("with_keys", List.of("a", "/nested/b", "missing", "/nope/deeper")));
        assertJson("{'c': 3, 'nested': {'keep': 1}}", deleteOnce(processor, "{'a': 1, 'c': 3, 'nested': {'b': 2, 'keep': 1}}"));
        assertEquals(0, metrics.counter(DeleteEntryProcessor.PROCESSING_ERRORS));
    }

    @Test
    void delete_when_decides_per_event() {
        final DeleteEntryProcessor processor = processor(Map.of("with_keys", List.of("secret"), "delete_when", "/env == \"prod\""));
        final List<Event> out = process(processor, event("{'env': 'prod', 'secret': 1}"), event("{'env': 'dev', 'secret': 1}"));
        assertJson("{'env': 'prod'}", out.get(0).toJsonString());
        assertJson("{'env': 'dev', 'secret': 1}", out.get(1).toJsonString());
    }

    // --- array elements (beyond upstream) ---

    @Test
    void deletes_an_array_element_by_index() {
        final DeleteEntryProcessor processor = processor(Map.of("with_keys", List.of("/content/0")));
        assertJson("{'content': [{'text': 'b'}, {'text': 'c'}]}",
                deleteOnce(processor, "{'content': [{'text': 'a'}, {'text': 'b'}, {'text': 'c'}]}"));
    }

    @Test
    void several_indexes_of_one_array_refer_to_the_array_before_deletion() {
        final DeleteEntryProcessor processor = processor(Map.of("with_keys", List.of("/content/0", "content/2")));
        assertJson("{'content': ['b', 'd']}", deleteOnce(processor, "{'content': ['a', 'b', 'c', 'd']}"));
    }

    @Test
    void an_index_past_the_end_or_a_missing_array_is_a_no_op() {
        final DeleteEntryProcessor processor = processor(Map.of("with_keys", List.of("/content/5", "/other/0")));
        assertJson("{'content': ['a']}", deleteOnce(processor, "{'content': ['a']}"));
        assertEquals(0, metrics.counter(DeleteEntryProcessor.PROCESSING_ERRORS));
    }

    @Test
    void a_numeric_key_under_an_object_is_an_ordinary_field_name() {
        final DeleteEntryProcessor processor = processor(Map.of("with_keys", List.of("/codes/0")));
        assertJson("{'codes': {'1': 'b'}}", deleteOnce(processor, "{'codes': {'0': 'a', '1': 'b'}}"));
    }

    @Test
    void deletes_fields_inside_array_elements_and_elements_of_nested_arrays() {
        final DeleteEntryProcessor processor = processor(Map.of("with_keys", List.of("/content/0/text", "/a/0/b/1")));
        assertJson("{'content': [{'id': 1}], 'a': [{'b': [10, 12]}]}",
                deleteOnce(processor, "{'content': [{'id': 1, 'text': 'x'}], 'a': [{'b': [10, 11, 12]}]}"));
    }

    @Test
    void a_failing_key_is_counted_while_the_other_keys_are_still_deleted() {
        // Event.delete on a non-numeric key under an array fails (as upstream); the other key goes anyway.
        final DeleteEntryProcessor processor = processor(Map.of("with_keys", List.of("/content/text", "drop")));
        assertJson("{'content': ['a']}", deleteOnce(processor, "{'content': ['a'], 'drop': 1}"));
        assertEquals(1, metrics.counter(DeleteEntryProcessor.PROCESSING_ERRORS));
    }

    // --- with_keys_regex ---

    @Test
    void regexes_match_whole_top_level_names_only() {
        final DeleteEntryProcessor processor = processor(Map.of("with_keys_regex", List.of("tmp_.*", "x")));
        assertJson("{'keep_tmp_': 1, 'xx': 2, 'nested': {'tmp_a': 3}}",
                deleteOnce(processor, "{'tmp_a': 0, 'tmp_': 0, 'keep_tmp_': 1, 'x': 0, 'xx': 2, 'nested': {'tmp_a': 3}}"));
    }

    @Test
    void exclude_from_delete_protects_keys_written_with_or_without_a_slash() {
        final DeleteEntryProcessor processor = processor(Map.of("with_keys_regex", List.of("tmp_.*"),
                "exclude_from_delete", List.of("tmp_keep", "/tmp_also")));
        assertJson("{'tmp_keep': 1, 'tmp_also': 2}", deleteOnce(processor, "{'tmp_keep': 1, 'tmp_also': 2, 'tmp_drop': 3}"));
    }

    @Test
    void regex_matched_names_holding_slashes_or_tildes_are_deleted_as_names() {
        final DeleteEntryProcessor processor = processor(Map.of("with_keys_regex", List.of("a.*")));
        final Event event = event("{'keep': {'b': 1}}");
        event.getJsonNode();
        ((com.fasterxml.jackson.databind.node.ObjectNode) event.getJsonNode()).put("a/b~c", 1);
        assertJson("{'keep': {'b': 1}}", process(processor, event).get(0).toJsonString());
    }

    // --- iterate_on ---

    @Test
    void iterate_on_deletes_inside_each_object_of_the_list() {
        final DeleteEntryProcessor processor = processor(Map.of("with_keys", List.of("debug"), "iterate_on", "items"));
        assertJson("{'items': [{'id': 1}, {'id': 2}, 'scalar'], 'debug': 0}",
                deleteOnce(processor, "{'items': [{'id': 1, 'debug': 'x'}, {'id': 2}, 'scalar'], 'debug': 0}"));
    }

    @Test
    void delete_from_element_when_is_evaluated_against_each_element() {
        final DeleteEntryProcessor processor = processor(Map.of("with_keys", List.of("value"), "iterate_on", "/items",
                "delete_from_element_when", "/type == \"secret\""));
        assertJson("{'items': [{'type': 'secret'}, {'type': 'public', 'value': 2}]}",
                deleteOnce(processor, "{'items': [{'type': 'secret', 'value': 1}, {'type': 'public', 'value': 2}]}"));
    }

    @Test
    void iterate_on_a_missing_key_changes_nothing_and_on_a_non_list_is_counted() {
        final DeleteEntryProcessor processor = processor(Map.of("with_keys", List.of("a"), "iterate_on", "items"));
        assertJson("{'a': 1}", deleteOnce(processor, "{'a': 1}"));
        assertJson("{'items': {'a': 1}}", deleteOnce(processor, "{'items': {'a': 1}}"));
        assertEquals(1, metrics.counter(DeleteEntryProcessor.PROCESSING_ERRORS));
    }

    @Test
    void iterate_on_with_regex_and_array_indexes_inside_elements() {
        final DeleteEntryProcessor processor = processor(Map.of("entries", List.of(
                Map.of("with_keys_regex", List.of("_.*"), "iterate_on", "docs"),
                Map.of("with_keys", List.of("/tags/0"), "iterate_on", "docs"))));
        assertJson("{'docs': [{'id': 1, 'tags': ['b']}]}", deleteOnce(processor, "{'docs': [{'id': 1, '_x': 1, 'tags': ['a', 'b']}]}"));
    }

    // --- entries ---

    @Test
    void entries_apply_in_order_each_with_its_own_condition() {
        final DeleteEntryProcessor processor = processor(Map.of("entries", List.of(
                Map.of("with_keys", List.of("a"), "delete_when", "/kind == \"x\""),
                Map.of("with_keys", List.of("b")),
                Map.of("with_keys_regex", List.of("c.*"), "exclude_from_delete", List.of("c_keep")))));
        final List<Event> out = process(processor, event("{'kind': 'x', 'a': 1, 'b': 2, 'c1': 3, 'c_keep': 4}"),
                event("{'kind': 'y', 'a': 1, 'b': 2}"));
        assertJson("{'kind': 'x', 'c_keep': 4}", out.get(0).toJsonString());
        assertJson("{'kind': 'y', 'a': 1}", out.get(1).toJsonString());
    }
}
