package dev.mlbatch.plugins.sink.opensearch;

import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.model.event.Event;

import java.time.Clock;

/**
 * Computes index, document id, routing and action of an event from the configured formats: {@code ${/field}} and
 * {@code ${expression}} through {@link Event#formatString(String, ExpressionEvaluator)}, then {@code %{date}} patterns.
 */
public class BulkTargetResolver {
    private final String indexFormat;
    private final boolean indexIsDynamic;
    private final DatePatternFormatter staticIndexDates;
    private final String documentIdFormat;
    private final String routingFormat;
    private final String actionFormat;
    private final BulkAction staticAction;
    private final ExpressionEvaluator expressionEvaluator;
    private final Clock clock;

    public BulkTargetResolver(final OpenSearchSinkConfig config, final ExpressionEvaluator expressionEvaluator, final Clock clock) {
        this.indexFormat = config.getIndex();
        this.indexIsDynamic = indexFormat.contains("${");
        this.staticIndexDates = new DatePatternFormatter(indexFormat, "index", clock);
        this.documentIdFormat = config.getDocumentId();
        this.routingFormat = config.getRouting();
        this.actionFormat = config.getAction();
        this.staticAction = actionFormat.contains("${") ? null : BulkAction.fromValue(actionFormat).orElseThrow();
        this.expressionEvaluator = expressionEvaluator;
        this.clock = clock;
    }

    public BulkTarget resolve(final Event event) {
        final String index = resolveIndex(event);
        final BulkAction action = resolveAction(event);
        final String documentId = format(event, documentIdFormat, "document_id");
        if (documentId != null && documentId.isEmpty()) {
            throw new DocumentRejectedException("document_id '" + documentIdFormat + "' formatted to an empty id");
        }
        if (documentId == null && action.requiresDocumentId()) {
            throw new DocumentRejectedException("action " + action.getValue() + " needs document_id");
        }
        return new BulkTarget(index, documentId, format(event, routingFormat, "routing"), action);
    }

    private String resolveIndex(final Event event) {
        if (!indexIsDynamic) {
            return staticIndexDates.format();
        }
        final String withFields = format(event, indexFormat, "index");
        if (withFields.isEmpty()) {
            throw new DocumentRejectedException("index '" + indexFormat + "' formatted to an empty name");
        }
        try {
            return DatePatternFormatter.formatDates(withFields, clock);
        } catch (final IllegalArgumentException e) {
            throw new DocumentRejectedException("index '" + indexFormat + "' formatted to '" + withFields + "': " + e.getMessage(), e);
        }
    }

    private BulkAction resolveAction(final Event event) {
        if (staticAction != null) {
            return staticAction;
        }
        final String value = format(event, actionFormat, "action");
        return BulkAction.fromValue(value).orElseThrow(() -> new DocumentRejectedException(
                "action '" + actionFormat + "' formatted to '" + value + "', which is not one of " + BulkAction.allowedValues()));
    }

    private String format(final Event event, final String format, final String optionName) {
        if (format == null) {
            return null;
        }
        if (!format.contains("${")) {
            return format;
        }
        try {
            return event.formatString(format, expressionEvaluator);
        } catch (final RuntimeException e) {
            throw new DocumentRejectedException(optionName + " '" + format + "' could not be formatted from the event: " + e.getMessage(), e);
        }
    }
}
