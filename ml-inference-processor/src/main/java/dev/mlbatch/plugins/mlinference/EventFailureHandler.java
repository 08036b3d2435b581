package dev.mlbatch.plugins.mlinference;

import dev.mlbatch.plugins.mlinference.batch.InputObject;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetter;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetterWriter;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventHandle;
import org.opensearch.dataprepper.model.event.InternalEventHandle;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What happens to an event that cannot be processed: it is written to the DLQ with status and reason,
 * tagged with {@code tags_on_failure} and passed downstream (as upstream does). If the DLQ write fails
 * and the event belongs to an acknowledgement set, it is released negatively instead, so the source
 * delivers it again rather than it being counted as done.
 */
public final class EventFailureHandler {
    private static final Logger LOG = LoggerFactory.getLogger(EventFailureHandler.class);

    /** One failed event (or, with a null event, one failed input object whose event is already gone). */
    public record Failure(Event event, InputObject input, int status, String message, String jobName, String taskId, Integer attempt) {
        public static Failure of(final Event event, final InputObject input, final int status, final String message) {
            return new Failure(event, input, status, message, null, null, null);
        }
    }

    private final List<String> tagsOnFailure;
    private final DeadLetterWriter deadLetterWriter;
    private final MLProcessorMetrics metrics;

    public EventFailureHandler(final List<String> tagsOnFailure, final DeadLetterWriter deadLetterWriter, final MLProcessorMetrics metrics) {
        this.tagsOnFailure = tagsOnFailure;
        this.deadLetterWriter = deadLetterWriter;
        this.metrics = metrics;
    }

    /** @return the records to pass downstream */
    public List<Record<Event>> handle(final List<Failure> failures) {
        if (failures.isEmpty()) {
            return List.of();
        }
        for (final Failure failure : failures) {
            LOG.warn("ml_inference failed for {}: status {}: {}",
                    failure.input() == null ? "an event" : failure.input().s3Uri(), failure.status(), failure.message());
        }
        final boolean stored;
        if (deadLetterWriter == null) {
            stored = false;
        } else {
            stored = deadLetterWriter.write(failures.stream().map(EventFailureHandler::toDeadLetter).toList());
            if (stored) {
                metrics.deadLettersWritten().increment(failures.size());
            } else {
                metrics.deadLetterWritesFailed().increment(failures.size());
            }
        }
        final List<Record<Event>> downstream = new ArrayList<>();
        for (final Failure failure : failures) {
            final Event event = failure.event();
            if (event == null) {
                continue;
            }
            if (deadLetterWriter != null && !stored && hasAcknowledgementSet(event.getEventHandle())) {
                event.getEventHandle().release(false);
                continue;
            }
            event.getMetadata().addTags(tagsOnFailure);
            downstream.add(new Record<>(event));
        }
        return downstream;
    }

    public boolean hasDeadLetterQueue() {
        return deadLetterWriter != null;
    }

    private static boolean hasAcknowledgementSet(final EventHandle handle) {
        return handle instanceof InternalEventHandle && ((InternalEventHandle) handle).hasAcknowledgementSet();
    }

    private static DeadLetter toDeadLetter(final Failure failure) {
        return new DeadLetter(
                failure.input() == null ? bucketOf(failure.event()) : failure.input().bucket(),
                failure.input() == null ? null : failure.input().key(),
                failure.status(), failure.message(),
                failure.event() == null ? null : failure.event().toJsonString(),
                failure.jobName(), failure.taskId(), failure.attempt());
    }

    private static String bucketOf(final Event event) {
        if (event == null || !event.getJsonNode().hasNonNull("bucket")) {
            return null;
        }
        return event.getJsonNode().get("bucket").asText();
    }
}
