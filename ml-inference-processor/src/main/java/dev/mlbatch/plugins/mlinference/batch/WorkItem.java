package dev.mlbatch.plugins.mlinference.batch;

import org.opensearch.dataprepper.model.event.Event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One unit of work (its latest ledger record) and what the coordinator's collaborators know about it beyond the
 * ledger: the events waiting for it, its poll schedule, and its submission retries. Only touched on the
 * coordinator's thread (under its lock).
 */
final class WorkItem {
    JobRecord record;
    final List<Event> events = new ArrayList<>();
    Instant nextPollAt = Instant.MIN;
    boolean pollInFlight;
    /** Since when look-ups by name in a row found no task (see {@link JobPoller#NO_TASK_GIVE_UP_AFTER}); null: found or not looked. */
    Instant noTaskSince;
    /** Ask the service for a job of this name before creating one (a crash may have come between the two). */
    boolean lookUpFirst;
    Instant retryingSince;
    int lastFailureStatus;
    String lastFailureReason;
    /** The last failed submission was throttled (429, task limit, quota), not a failure of the request itself. */
    boolean lastFailureThrottled;
    /** Polls in a row at which the job's output (or input, to split it) could not be read. */
    int repairFailures;

    WorkItem(final JobRecord record) {
        this.record = record;
    }
}
