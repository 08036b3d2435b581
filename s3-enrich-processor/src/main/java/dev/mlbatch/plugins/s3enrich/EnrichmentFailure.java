package dev.mlbatch.plugins.s3enrich;

import java.util.Objects;

/** Why one event could not be enriched; the event is tagged, counted and passed on, never dropped. */
final class EnrichmentFailure extends Exception {
    enum Reason {
        /** {@code enrich_when} could not be evaluated on the event. */
        CONDITION_ERROR,
        /** The event names no output object (nothing at {@code s3_key_path} / no {@code s3_key} metadata). */
        NO_OUTPUT_KEY,
        /** The output object's name does not map to a source object name. */
        NAME_NOT_MAPPED,
        /** The event has no usable value under the correlation key. */
        NO_CORRELATION_VALUE,
        /** The source object does not exist. */
        SOURCE_OBJECT_MISSING,
        /** The source object is larger than {@code s3_object_size_limit}. */
        SOURCE_OBJECT_TOO_LARGE,
        /** The source object could not be read or parsed. */
        SOURCE_OBJECT_UNREADABLE,
        /** The source object was read and holds no record with the event's correlation value. */
        NO_MATCH,
        /** With {@code merge_all_keys}: the matched source record has a field whose name cannot be an event key. */
        FIELD_NOT_MERGEABLE
    }

    private final Reason reason;
    /** What the failure is about (the source object's URI, or the output key), for grouping log lines. */
    private final String subject;

    EnrichmentFailure(final Reason reason, final String subject, final String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.subject = subject;
    }

    EnrichmentFailure(final Reason reason, final String subject, final String message, final Throwable cause) {
        super(message, cause, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.subject = subject;
    }

    Reason reason() {
        return reason;
    }

    String subject() {
        return subject;
    }
}
