package dev.mlbatch.plugins.mlinference;

import dev.mlbatch.plugins.mlinference.batch.InputObject;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetter;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetterStore;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventHandle;
import org.opensearch.dataprepper.model.event.InternalEventHandle;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What happens to an event (or an input object, or one record inside one) that cannot be processed: it is
 * written with status and reason to the dead-letter store (the configured DLQ, or else a local file: every failure
 * is kept durably), and an event is tagged with {@code tags_on_failure}, given the failure's fields
 * ({@code failure_status}, {@code failure_reason}, and {@code job_name} / {@code job_attempt} when a job was
 * involved) and passed downstream, as upstream passes tagged events. If the store write fails and the event belongs
 * to an acknowledgement set, it is released negatively instead, so the source delivers it again rather than it being
 * counted as done.
 */
public final class EventFailureHandler {
    private static final Logger LOG = LoggerFactory.getLogger(EventFailureHandler.class);

    /**
     * One failure: of an event; or, with a null event, of an input object whose event is already gone; or, with
     * a {@code record}, of one record ({@code line} of the object) inside a job. {@code records}: how many input
     * records it stands for, when known.
     */
    public record Failure(Event event, InputObject input, int status, String message, String jobName, String taskId, Integer attempt,
                          Integer line, String record, Integer records) {
        public static Failure of(final Event event, final InputObject input, final int status, final String message) {
            return new Failure(event, input, status, message, null, null, null, null, null, null);
        }
    }

    private final List<String> tagsOnFailure;
    private final DeadLetterStore deadLetters;
    private final MLProcessorMetrics metrics;

    public EventFailureHandler(final List<String> tagsOnFailure, final DeadLetterStore deadLetters, final MLProcessorMetrics metrics) {
        this.tagsOnFailure = tagsOnFailure;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    /** @return the records to pass downstream */
    public List<Record<Event>> handle(final List<Failure> failures) {
        if (failures.isEmpty()) {
            return List.of();
        }
        for (final Failure failure : failures) {
            LOG.warn("ml_inference failed for {}{}: status {}: {}",
                    failure.input() == null ? "an event" : failure.input().s3Uri(),
                    failure.line() == null ? "" : " line " + failure.line(), failure.status(), failure.message());
        }
        final boolean stored = deadLetters.write(failures.stream().map(EventFailureHandler::toDeadLetter).toList());
        if (stored) {
            metrics.deadLettersWritten().increment(failures.size());
        } else {
            metrics.deadLetterWritesFailed().increment(failures.size());
        }
        final List<Record<Event>> downstream = new ArrayList<>();
        for (final Failure failure : failures) {
            final Event event = failure.event();
            if (event == null) {
                continue;
            }
            if (!stored && hasAcknowledgementSet(event.getEventHandle())) {
                event.getEventHandle().release(false);
                continue;
            }
            event.put("failure_status", failure.status());
            event.put("failure_reason", failure.message());
            if (failure.jobName() != null) {
                event.put("job_name", failure.jobName());
            }
            if (failure.attempt() != null) {
                event.put("job_attempt", failure.attempt());
            }
            event.getMetadata().addTags(tagsOnFailure);
            downstream.add(new Record<>(event));
        }
        return downstream;
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
                failure.jobName(), failure.taskId(), failure.attempt(), failure.line(), failure.record(), failure.records());
    }

    private static String bucketOf(final Event event) {
        if (event == null || !event.getJsonNode().hasNonNull("bucket")) {
            return null;
        }
        return event.getJsonNode().get("bucket").asText();
    }
}
