package dev.mlbatch.plugins.mutate;

import com.fasterxml.jackson.databind.JsonNode;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventKey;
import org.opensearch.dataprepper.model.event.EventKeyFactory;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.processor.AbstractProcessor;
import org.opensearch.dataprepper.model.processor.Processor;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Deletes keys from events: listed keys ({@code with_keys}, which may also name array elements such as
 * {@code /content/0}), top-level keys matching a regex ({@code with_keys_regex}, minus {@code exclude_from_delete}),
 * optionally inside each object of a list ({@code iterate_on}). A rule whose {@code delete_when} is false leaves
 * the event alone; a deletion that fails is logged, counted in {@value #PROCESSING_ERRORS} and skipped.
 */
@DataPrepperPlugin(name = "delete_entries", pluginType = Processor.class, pluginConfigurationType = DeleteEntryProcessorConfig.class)
public class DeleteEntryProcessor extends AbstractProcessor<Record<Event>, Record<Event>> {
    static final String PROCESSING_ERRORS = "processingErrors";
    private static final Logger LOG = LoggerFactory.getLogger(DeleteEntryProcessor.class);

    private final ExpressionEvaluator expressionEvaluator;
    private final ProcessingFailureLog failures;
    private final List<Rule> rules;

    @DataPrepperPluginConstructor
    public DeleteEntryProcessor(final PluginMetrics pluginMetrics, final DeleteEntryProcessorConfig config,
                                final ExpressionEvaluator expressionEvaluator, final EventKeyFactory eventKeyFactory) {
        super(pluginMetrics);
        this.expressionEvaluator = expressionEvaluator;
        this.failures = new ProcessingFailureLog(LOG, "delete_entries", pluginMetrics.counter(PROCESSING_ERRORS));
        final boolean fromEntries = !config.getEntries().isEmpty();
        final List<DeleteEntryProcessorConfig.Entry> entries = config.effectiveEntries();
        final List<Rule> compiled = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            compiled.add(new Rule(entries.get(i), fromEntries ? "entries[" + i + "]." : "", eventKeyFactory));
        }
        this.rules = List.copyOf(compiled);
    }

    /** One entry, with its keys, patterns and conditions checked and prepared once. */
    private final class Rule {
        final String deleteWhen;
        final EventKey iterateOn;
        final String deleteFromElementWhen;
        final List<EventKey> plainKeys;
        final List<ArrayElementDeletion> arrayElementDeletions;
        final List<Pattern> patterns;
        final Set<String> excluded;

        Rule(final DeleteEntryProcessorConfig.Entry entry, final String optionPrefix, final EventKeyFactory eventKeyFactory) {
            deleteWhen = checkedExpression(entry.getDeleteWhen(), optionPrefix + "delete_when");
            deleteFromElementWhen = checkedExpression(entry.getDeleteFromElementWhen(), optionPrefix + "delete_from_element_when");
            if (deleteFromElementWhen != null && entry.getIterateOn() == null) {
                throw new InvalidPluginConfigurationException(optionPrefix + "delete_from_element_when only applies when iterate_on is set");
            }
            iterateOn = entry.getIterateOn() == null ? null : iterateOnKey(entry.getIterateOn(), optionPrefix, eventKeyFactory);
            final ArrayElementDeletion.Split split = ArrayElementDeletion.split(entry.getWithKeys(), eventKeyFactory);
            plainKeys = split.plainKeys;
            arrayElementDeletions = split.arrayElementDeletions;
            final List<Pattern> compiledPatterns = new ArrayList<>();
            for (final String regex : entry.getWithKeysRegex()) {
                try {
                    compiledPatterns.add(Pattern.compile(regex));
                } catch (final PatternSyntaxException e) {
                    throw new InvalidPluginConfigurationException(optionPrefix + "with_keys_regex: \"" + regex
                            + "\" is not a valid regular expression: " + e.getDescription());
                }
            }
            patterns = List.copyOf(compiledPatterns);
            final Set<String> excludedNames = new HashSet<>();
            for (final EventKey key : entry.getExcludeFromDelete()) {
                // Patterns match top-level field names, so compare names without the optional leading '/'.
                excludedNames.add(key.getKey().startsWith("/") ? key.getKey().substring(1) : key.getKey());
            }
            excluded = Set.copyOf(excludedNames);
        }

        private String checkedExpression(final String expression, final String option) {
            if (expression != null && !Boolean.TRUE.equals(expressionEvaluator.isValidExpressionStatement(expression))) {
                throw new InvalidPluginConfigurationException(option + ": \"" + expression + "\" is not a valid expression statement");
            }
            return expression;
        }

        private EventKey iterateOnKey(final String key, final String optionPrefix, final EventKeyFactory factory) {
            try {
                return factory.createEventKey(key, EventKeyFactory.EventAction.GET, EventKeyFactory.EventAction.PUT);
            } catch (final IllegalArgumentException e) {
                throw new InvalidPluginConfigurationException(optionPrefix + "iterate_on: \"" + key + "\" is not a valid event key: " + e.getMessage(), e);
            }
        }

        void apply(final Event event) {
            try {
                if (deleteWhen != null && !expressionEvaluator.evaluateConditional(deleteWhen, event)) {
                    return;
                }
            } catch (final RuntimeException e) {
                failures.record("evaluating delete_when \"" + deleteWhen + "\"", e);
                return;
            }
            if (iterateOn == null) {
                deleteFrom(event);
            } else {
                deleteFromEachElement(event);
            }
        }

        private void deleteFromEachElement(final Event event) {
            try {
                final Object value = event.get(iterateOn, Object.class);
                if (value == null) {
                    return;
                }
                if (!(value instanceof List)) {
                    failures.record("deleting inside the elements of iterate_on " + iterateOn.getKey(),
                            "iterate_on " + iterateOn.getKey() + " is not a list");
                    return;
                }
                @SuppressWarnings("unchecked") final List<Object> elements = (List<Object>) value;
                for (int i = 0; i < elements.size(); i++) {
                    if (!(elements.get(i) instanceof Map)) {
                        continue;
                    }
                    final Event element = JacksonEvent.builder()
                            .withEventMetadata(event.getMetadata())
                            .withData(elements.get(i))
                            .build();
                    if (deleteFromElementWhen != null && !expressionEvaluator.evaluateConditional(deleteFromElementWhen, element)) {
                        continue;
                    }
                    deleteFrom(element);
                    elements.set(i, element.toMap());
                }
                event.put(iterateOn, elements);
            } catch (final RuntimeException e) {
                failures.record("deleting inside the elements of iterate_on " + iterateOn.getKey(), e);
            }
        }

        private void deleteFrom(final Event target) {
            for (final EventKey key : plainKeys) {
                try {
                    target.delete(key);
                } catch (final RuntimeException e) {
                    failures.record("deleting " + key.getKey(), e);
                }
            }
            for (final ArrayElementDeletion deletion : arrayElementDeletions) {
                try {
                    deletion.apply(target);
                } catch (final RuntimeException e) {
                    failures.record("deleting elements of " + deletion.parentKey(), e);
                }
            }
            if (!patterns.isEmpty()) {
                deleteMatchingTopLevelKeys(target);
            }
        }

        private void deleteMatchingTopLevelKeys(final Event target) {
            final JsonNode root = target.getJsonNode();
            if (root == null || !root.isObject()) {
                return;
            }
            final List<String> names = new ArrayList<>(root.size());
            for (final Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            for (final String name : names) {
                if (excluded.contains(name) || !matchesAny(name)) {
                    continue;
                }
                try {
                    target.delete(asPointerSegment(name));
                } catch (final RuntimeException e) {
                    failures.record("deleting " + name + " (matched by with_keys_regex)", e);
                }
            }
        }

        private boolean matchesAny(final String name) {
            for (final Pattern pattern : patterns) {
                if (pattern.matcher(name).matches()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A field name as one JSON-pointer segment, so names holding '/' or '~' delete themselves, not a path. */
    private static String asPointerSegment(final String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    @Override
    public Collection<Record<Event>> doExecute(final Collection<Record<Event>> records) {
        for (final Record<Event> record : records) {
            final Event event = record.getData();
            for (final Rule rule : rules) {
                rule.apply(event);
            }
        }
        return records;
    }

    @Override
    public void prepareForShutdown() {
    }

    @Override
    public boolean isReadyForShutdown() {
        return true;
    }

    @Override
    public void shutdown() {
    }
}
