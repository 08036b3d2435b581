package dev.mlbatch.plugins.mutate;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies values between keys ({@code entries}), or builds {@code to_list} from the objects of {@code from_list}.
 * Keys may address array elements ({@code /content/0/text}). An entry whose condition is false, whose source is
 * missing, or whose target exists (without overwrite) is skipped; an entry that fails is logged, counted in
 * {@value #PROCESSING_ERRORS} and skipped, and the event goes on.
 */
@DataPrepperPlugin(name = "copy_values", pluginType = Processor.class, pluginConfigurationType = CopyValueProcessorConfig.class)
public class CopyValueProcessor extends AbstractProcessor<Record<Event>, Record<Event>> {
    static final String PROCESSING_ERRORS = "processingErrors";
    private static final Logger LOG = LoggerFactory.getLogger(CopyValueProcessor.class);

    private final ExpressionEvaluator expressionEvaluator;
    private final ProcessingFailureLog failures;
    private final List<KeyCopy> keyCopies;
    private final List<CopyValueProcessorConfig.Entry> listEntries;
    private final EventKey fromList;
    private final EventKey toList;
    private final boolean overwriteIfToListExists;

    /** One entry of single-key mode, with its keys made once. */
    private static final class KeyCopy {
        final EventKey from;
        final EventKey to;
        final boolean sameKey;
        final boolean overwrite;
        final String copyWhen;

        KeyCopy(final EventKey from, final EventKey to, final boolean sameKey, final boolean overwrite, final String copyWhen) {
            this.from = from;
            this.to = to;
            this.sameKey = sameKey;
            this.overwrite = overwrite;
            this.copyWhen = copyWhen;
        }
    }

    @DataPrepperPluginConstructor
    public CopyValueProcessor(final PluginMetrics pluginMetrics, final CopyValueProcessorConfig config,
                              final ExpressionEvaluator expressionEvaluator, final EventKeyFactory eventKeyFactory) {
        super(pluginMetrics);
        this.expressionEvaluator = expressionEvaluator;
        this.failures = new ProcessingFailureLog(LOG, "copy_values", pluginMetrics.counter(PROCESSING_ERRORS));
        final List<CopyValueProcessorConfig.Entry> entries = config.getEntries();
        for (int i = 0; i < entries.size(); i++) {
            final String copyWhen = entries.get(i).getCopyWhen();
            if (copyWhen != null && !Boolean.TRUE.equals(expressionEvaluator.isValidExpressionStatement(copyWhen))) {
                throw new InvalidPluginConfigurationException(String.format(
                        "entries[%d].copy_when: \"%s\" is not a valid expression statement", i, copyWhen));
            }
        }
        this.overwriteIfToListExists = config.getOverwriteIfToListExists();
        if (config.getFromList() != null) {
            this.fromList = eventKey(eventKeyFactory, config.getFromList(), "from_list", EventKeyFactory.EventAction.GET);
            this.toList = eventKey(eventKeyFactory, config.getToList(), "to_list",
                    EventKeyFactory.EventAction.GET, EventKeyFactory.EventAction.PUT);
            this.listEntries = List.copyOf(entries);
            this.keyCopies = List.of();
        } else {
            this.fromList = null;
            this.toList = null;
            this.listEntries = List.of();
            final List<KeyCopy> copies = new ArrayList<>(entries.size());
            for (int i = 0; i < entries.size(); i++) {
                final CopyValueProcessorConfig.Entry entry = entries.get(i);
                copies.add(new KeyCopy(
                        eventKey(eventKeyFactory, entry.getFromKey(), "entries[" + i + "].from_key", EventKeyFactory.EventAction.GET),
                        eventKey(eventKeyFactory, entry.getToKey(), "entries[" + i + "].to_key",
                                EventKeyFactory.EventAction.GET, EventKeyFactory.EventAction.PUT),
                        entry.getFromKey().equals(entry.getToKey()),
                        entry.getOverwriteIfToKeyExists(),
                        entry.getCopyWhen()));
            }
            this.keyCopies = List.copyOf(copies);
        }
    }

    private static EventKey eventKey(final EventKeyFactory factory, final String key, final String option,
                                     final EventKeyFactory.EventAction... actions) {
        try {
            return factory.createEventKey(key, actions);
        } catch (final IllegalArgumentException e) {
            throw new InvalidPluginConfigurationException(option + ": \"" + key + "\" is not a valid event key: " + e.getMessage(), e);
        }
    }

    @Override
    public Collection<Record<Event>> doExecute(final Collection<Record<Event>> records) {
        for (final Record<Event> record : records) {
            final Event event = record.getData();
            if (fromList != null) {
                copyList(event);
            } else {
                for (final KeyCopy copy : keyCopies) {
                    copyKey(event, copy);
                }
            }
        }
        return records;
    }

    private void copyKey(final Event event, final KeyCopy copy) {
        try {
            if (copy.sameKey || (copy.copyWhen != null && !expressionEvaluator.evaluateConditional(copy.copyWhen, event))) {
                return;
            }
            // As a JsonNode the source is read without converting it to Java objects; put copies it, so the
            // two keys never share a node. A missing key reads as null (a JSON null reads as a NullNode).
            final JsonNode value = event.get(copy.from, JsonNode.class);
            if (value == null || (!copy.overwrite && event.containsKey(copy.to))) {
                return;
            }
            event.put(copy.to, value);
        } catch (final RuntimeException e) {
            failures.record("copying " + copy.from.getKey() + " to " + copy.to.getKey(), e);
        }
    }

    private void copyList(final Event event) {
        final String what = "copying from_list " + fromList.getKey() + " to to_list " + toList.getKey();
        try {
            if (!overwriteIfToListExists && event.containsKey(toList)) {
                return;
            }
            final Object source = event.get(fromList, Object.class);
            if (source == null) {
                return;
            }
            if (!(source instanceof List)) {
                failures.record(what, "from_list " + fromList.getKey() + " is not a list");
                return;
            }
            // As upstream: each copy_when is evaluated once, against the whole event.
            final boolean[] enabled = new boolean[listEntries.size()];
            for (int i = 0; i < enabled.length; i++) {
                final String copyWhen = listEntries.get(i).getCopyWhen();
                enabled[i] = copyWhen == null || expressionEvaluator.evaluateConditional(copyWhen, event);
            }
            final List<?> elements = (List<?>) source;
            final List<Map<String, Object>> target = new ArrayList<>(elements.size());
            for (int e = 0; e < elements.size(); e++) {
                if (!(elements.get(e) instanceof Map)) {
                    failures.record(what, "element " + e + " of from_list " + fromList.getKey() + " is not an object");
                    return;
                }
                final Map<?, ?> element = (Map<?, ?>) elements.get(e);
                final Map<String, Object> copied = new LinkedHashMap<>();
                for (int i = 0; i < enabled.length; i++) {
                    final CopyValueProcessorConfig.Entry entry = listEntries.get(i);
                    if (enabled[i] && element.containsKey(entry.getFromKey())
                            && (entry.getOverwriteIfToKeyExists() || !copied.containsKey(entry.getToKey()))) {
                        copied.put(entry.getToKey(), element.get(entry.getFromKey()));
                    }
                }
                target.add(copied);
            }
            event.put(toList, target);
        } catch (final RuntimeException e) {
            failures.record(what, e);
        }
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
