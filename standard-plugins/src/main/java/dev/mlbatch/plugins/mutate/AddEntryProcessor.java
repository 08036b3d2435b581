package dev.mlbatch.plugins.mutate;

import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventKey;
import org.opensearch.dataprepper.model.event.EventKeyFactory;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.processor.AbstractProcessor;
import org.opensearch.dataprepper.model.processor.Processor;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Adds keys to events (or attributes to their metadata): a literal {@code value}, a {@code format} string filled
 * from the event, or the result of a {@code value_expression}, each entry guarded by its own {@code add_when}.
 * Entries run in order, so with {@code overwrite_if_key_exists: false} the first entry that applies wins. An
 * entry that fails on an event is logged, counted in {@value #PROCESSING_ERRORS} and skipped; the event goes on.
 */
@DataPrepperPlugin(name = "add_entries", pluginType = Processor.class, pluginConfigurationType = AddEntryProcessorConfig.class)
public class AddEntryProcessor extends AbstractProcessor<Record<Event>, Record<Event>> {
    static final String PROCESSING_ERRORS = "processingErrors";
    private static final Logger LOG = LoggerFactory.getLogger(AddEntryProcessor.class);

    private final ExpressionEvaluator expressionEvaluator;
    private final ProcessingFailureLog failures;
    private final List<Addition> additions;

    /** One entry, checked and with its key made once. */
    private static final class Addition {
        final AddEntryProcessorConfig.Entry entry;
        /** Fixed event key; null for a metadata key or a key that is a format string ({@code ${/a}}). */
        final EventKey fixedKey;
        final boolean keyIsFormat;

        Addition(final AddEntryProcessorConfig.Entry entry, final EventKey fixedKey, final boolean keyIsFormat) {
            this.entry = entry;
            this.fixedKey = fixedKey;
            this.keyIsFormat = keyIsFormat;
        }

        String describeTarget() {
            return entry.getKey() != null ? "key " + entry.getKey() : "metadata_key " + entry.getMetadataKey();
        }
    }

    @DataPrepperPluginConstructor
    public AddEntryProcessor(final PluginMetrics pluginMetrics, final AddEntryProcessorConfig config,
                             final ExpressionEvaluator expressionEvaluator, final EventKeyFactory eventKeyFactory) {
        super(pluginMetrics);
        this.expressionEvaluator = expressionEvaluator;
        this.failures = new ProcessingFailureLog(LOG, "add_entries", pluginMetrics.counter(PROCESSING_ERRORS));
        final List<AddEntryProcessorConfig.Entry> entries = config.getEntries();
        final List<Addition> checked = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            final AddEntryProcessorConfig.Entry entry = entries.get(i);
            final String at = "entries[" + i + "].";
            if (entry.getAddWhen() != null && !Boolean.TRUE.equals(expressionEvaluator.isValidExpressionStatement(entry.getAddWhen()))) {
                throw new InvalidPluginConfigurationException(at + "add_when: \"" + entry.getAddWhen() + "\" is not a valid expression statement");
            }
            if (entry.getValueExpression() != null
                    && !Boolean.TRUE.equals(expressionEvaluator.isValidExpressionStatement(entry.getValueExpression()))) {
                throw new InvalidPluginConfigurationException(at + "value_expression: \"" + entry.getValueExpression()
                        + "\" is not a valid expression");
            }
            if (entry.getFormat() != null && !Boolean.TRUE.equals(expressionEvaluator.isValidFormatExpression(entry.getFormat()))) {
                throw new InvalidPluginConfigurationException(at + "format: \"" + entry.getFormat() + "\" is not a valid format string");
            }
            final boolean keyIsFormat = entry.getKey() != null && entry.getKey().contains("${");
            if (keyIsFormat && !Boolean.TRUE.equals(expressionEvaluator.isValidFormatExpression(entry.getKey()))) {
                throw new InvalidPluginConfigurationException(at + "key: \"" + entry.getKey() + "\" is not a valid format string");
            }
            EventKey fixedKey = null;
            if (entry.getKey() != null && !keyIsFormat) {
                try {
                    fixedKey = eventKeyFactory.createEventKey(entry.getKey(), EventKeyFactory.EventAction.GET, EventKeyFactory.EventAction.PUT);
                } catch (final IllegalArgumentException e) {
                    throw new InvalidPluginConfigurationException(at + "key: \"" + entry.getKey() + "\" is not a valid event key: " + e.getMessage(), e);
                }
            }
            checked.add(new Addition(entry, fixedKey, keyIsFormat));
        }
        this.additions = List.copyOf(checked);
    }

    @Override
    public Collection<Record<Event>> doExecute(final Collection<Record<Event>> records) {
        for (final Record<Event> record : records) {
            final Event event = record.getData();
            for (final Addition addition : additions) {
                add(event, addition);
            }
        }
        return records;
    }

    private void add(final Event event, final Addition addition) {
        final AddEntryProcessorConfig.Entry entry = addition.entry;
        try {
            if (entry.getAddWhen() != null && !expressionEvaluator.evaluateConditional(entry.getAddWhen(), event)) {
                return;
            }
            if (entry.getMetadataKey() != null) {
                addToMetadata(event, entry);
                return;
            }
            final String key = addition.keyIsFormat ? event.formatString(entry.getKey(), expressionEvaluator) : null;
            final boolean exists = addition.fixedKey != null ? event.containsKey(addition.fixedKey) : event.containsKey(key);
            if (exists && !entry.getOverwriteIfKeyExists() && !entry.getAppendIfKeyExists()) {
                return;
            }
            Object value = valueFor(event, entry);
            if (exists && entry.getAppendIfKeyExists()) {
                final Object current = addition.fixedKey != null ? event.get(addition.fixedKey, Object.class) : event.get(key, Object.class);
                value = appended(current, value);
            }
            if (addition.fixedKey != null) {
                event.put(addition.fixedKey, value);
            } else {
                event.put(key, value);
            }
        } catch (final RuntimeException e) {
            failures.record("adding " + addition.describeTarget(), e);
        }
    }

    private void addToMetadata(final Event event, final AddEntryProcessorConfig.Entry entry) {
        final Object current = event.getMetadata().getAttribute(entry.getMetadataKey());
        final boolean exists = event.getMetadata().getAttributes().containsKey(entry.getMetadataKey());
        if (exists && !entry.getOverwriteIfKeyExists() && !entry.getAppendIfKeyExists()) {
            return;
        }
        final Object value = valueFor(event, entry);
        event.getMetadata().setAttribute(entry.getMetadataKey(), exists && entry.getAppendIfKeyExists() ? appended(current, value) : value);
    }

    private Object valueFor(final Event event, final AddEntryProcessorConfig.Entry entry) {
        if (entry.getFormat() != null) {
            return event.formatString(entry.getFormat(), expressionEvaluator);
        }
        if (entry.getValueExpression() != null) {
            return expressionEvaluator.evaluate(entry.getValueExpression(), event);
        }
        return entry.getValue();
    }

    /** append_if_key_exists: a list gets the value as one more element; any other value becomes [old, new]. */
    private static List<Object> appended(final Object current, final Object value) {
        final List<Object> list = new ArrayList<>();
        if (current instanceof List) {
            list.addAll((List<?>) current);
        } else {
            list.add(current);
        }
        list.add(value);
        return list;
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
