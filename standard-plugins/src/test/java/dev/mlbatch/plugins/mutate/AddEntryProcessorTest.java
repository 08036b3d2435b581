package dev.mlbatch.plugins.mutate;

import dev.mlbatch.plugins.testing.ConfigBinding;
import dev.mlbatch.plugins.testing.TestMetrics;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.TestEventKeyFactory;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.mlbatch.plugins.testing.Events.EVALUATOR;
import static dev.mlbatch.plugins.testing.Events.event;
import static dev.mlbatch.plugins.testing.Events.json;
import static dev.mlbatch.plugins.testing.Events.process;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddEntryProcessorTest {
    private final TestMetrics metrics = TestMetrics.forPlugin("add_entries");

    private AddEntryProcessor processor(final Map<String, Object> settings) {
        return new AddEntryProcessor(metrics.pluginMetrics(), ConfigBinding.bindValid(settings, AddEntryProcessorConfig.class),
                EVALUATOR, TestEventKeyFactory.getTestEventFactory());
    }

    private static Map<String, Object> entries(final Map<?, ?>... entries) {
        return Map.of("entries", List.of(entries));
    }

    private static Map<String, Object> entry(final Object... keysAndValues) {
        final Map<String, Object> entry = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            entry.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return entry;
    }

    private static Event once(final AddEntryProcessor processor, final String json) {
        return process(processor, event(json)).get(0);
    }

    @Test
    void adds_a_literal_value_of_any_json_type() {
        final AddEntryProcessor processor = processor(entries(
                entry("key", "s", "value", "text"),
                entry("key", "n", "value", 3),
                entry("key", "nested/b", "value", true),
                entry("key", "o", "value", Map.of("x", List.of(1, 2))),
                entry("key", "z", "value", null)));
        assertEquals(json("{'a': 1, 's': 'text', 'n': 3, 'nested': {'b': true}, 'o': {'x': [1, 2]}, 'z': null}"),
                json(once(processor, "{'a': 1}")));
    }

    @Test
    void format_and_value_expression_are_read_from_the_event() {
        final AddEntryProcessor processor = processor(entries(
                entry("key", "label", "format", "${/first}-${/second}"),
                entry("key", "len", "value_expression", "length(/first)"),
                entry("key", "${/first}_copy", "value", "dynamic key")));
        final Event out = once(processor, "{'first': 'ab', 'second': 'cd'}");
        assertEquals("ab-cd", out.get("label", String.class));
        assertEquals(2, out.get("len", Integer.class));
        assertEquals("dynamic key", out.get("ab_copy", String.class));
    }

    @Test
    void an_existing_key_is_kept_unless_overwrite_or_append() {
        assertEquals("old", once(processor(entries(entry("key", "k", "value", "new"))), "{'k': 'old'}").get("k", String.class));
        assertEquals("new", once(processor(entries(entry("key", "k", "value", "new", "overwrite_if_key_exists", true))),
                "{'k': 'old'}").get("k", String.class));
        assertEquals(json("{'k': ['old', 'new']}"), json(once(processor(entries(
                entry("key", "k", "value", "new", "append_if_key_exists", true))), "{'k': 'old'}")));
        assertEquals(json("{'k': [1, 2, 'new']}"), json(once(processor(entries(
                entry("key", "k", "value", "new", "append_if_key_exists", true))), "{'k': [1, 2]}")));
        // A JSON null is a value that exists.
        assertNull(once(processor(entries(entry("key", "k", "value", "new"))), "{'k': null}").get("k", Object.class));
    }

    @Test
    void add_when_guards_each_entry_and_the_first_match_wins_without_overwrite() {
        final AddEntryProcessor processor = processor(entries(
                entry("key", "reason", "value", "no id", "add_when", "/id == null"),
                entry("key", "reason", "value", "no text", "add_when", "/text == null"),
                entry("key", "reason", "value", "blank", "add_when", "/text =~ \"[ \\t\\n\\r\\f]*\"")));
        assertEquals("no id", once(processor, "{'text': '  '}").get("reason", String.class));
        assertEquals("no text", once(processor, "{'id': 1}").get("reason", String.class));
        assertEquals("blank", once(processor, "{'id': 1, 'text': ' \\t\\n '}").get("reason", String.class));
        assertFalse(once(processor, "{'id': 1, 'text': ' x '}").containsKey("reason"));
    }

    @Test
    void metadata_key_sets_an_attribute_and_leaves_the_data_alone() {
        final AddEntryProcessor processor = processor(entries(
                entry("metadata_key", "origin", "format", "${/src}"),
                entry("metadata_key", "origin", "value", "second")));
        final Event out = once(processor, "{'src': 'raw'}");
        assertEquals("raw", out.getMetadata().getAttribute("origin"));
        assertEquals(json("{'src': 'raw'}"), json(out));
        final AddEntryProcessor appending = processor(entries(
                entry("metadata_key", "m", "value", 1),
                entry("metadata_key", "m", "value", 2, "append_if_key_exists", true)));
        assertEquals(List.of(1, 2), once(appending, "{}").getMetadata().getAttribute("m"));
    }

    @Test
    void a_failing_entry_is_counted_and_the_others_still_apply() {
        final AddEntryProcessor processor = processor(entries(
                entry("key", "sum", "value_expression", "/a * 2"),
                entry("key", "ok", "value", true)));
        final double before = metrics.counter(AddEntryProcessor.PROCESSING_ERRORS);
        final Event out = once(processor, "{'a': 'not an array'}");
        assertTrue(out.get("ok", Boolean.class));
        assertFalse(out.containsKey("sum"), out.toJsonString());
        assertEquals(before + 1, metrics.counter(AddEntryProcessor.PROCESSING_ERRORS));
    }

    @Test
    void invalid_configurations_are_refused_with_the_option_named() {
        final List<String> problems = new ArrayList<>();
        for (final Map<String, Object> bad : List.of(
                entry("value", 1),
                entry("key", "a", "metadata_key", "b", "value", 1),
                entry("key", "a"),
                entry("key", "a", "value", 1, "format", "x"),
                entry("key", "a", "value", 1, "overwrite_if_key_exists", true, "append_if_key_exists", true),
                entry("key", "a", "value", 1, "iterate_on", "list"),
                entry("key", "", "value", 1))) {
            final Set<String> violations = ConfigBinding.violations(ConfigBinding.bind(entries(bad), AddEntryProcessorConfig.class));
            assertEquals(1, violations.size(), bad + " -> " + violations);
            problems.addAll(violations);
        }
        assertEquals(List.of(
                "an entry needs exactly one of key or metadata_key",
                "an entry needs exactly one of key or metadata_key",
                "an entry needs exactly one of value, format or value_expression",
                "an entry needs exactly one of value, format or value_expression",
                "overwrite_if_key_exists and append_if_key_exists cannot both be true",
                "iterate_on and add_to_element_when (adding inside the elements of a list) are not supported by this "
                        + "add_entries; add to a key of the event or its metadata instead",
                "key must not be empty"), problems);
        assertThrows(IllegalArgumentException.class, () -> ConfigBinding.bind(
                entries(entry("key", "a", "value", 1, "no_such_option", 1)), AddEntryProcessorConfig.class));
        assertFalse(ConfigBinding.violations(ConfigBinding.bind(Map.of("entries", List.of()), AddEntryProcessorConfig.class)).isEmpty());

        final InvalidPluginConfigurationException badWhen = assertThrows(InvalidPluginConfigurationException.class,
                () -> processor(entries(entry("key", "a", "value", 1), entry("key", "b", "value", 1, "add_when", "/a =="))));
        assertEquals("entries[1].add_when: \"/a ==\" is not a valid expression statement", badWhen.getMessage());
        final InvalidPluginConfigurationException badKey = assertThrows(InvalidPluginConfigurationException.class,
                () -> processor(entries(entry("key", "a|b", "value", 1))));
        assertTrue(badKey.getMessage().startsWith("entries[0].key: \"a|b\" is not a valid event key"), badKey.getMessage());
    }
}
