package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.MLProcessorMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;

/**
 * Submits pending work, in order, while slots are free (max_concurrent_jobs). When the service throttles
 * (a 429, ML Commons' batch task limit, a provider quota) or fails transiently, it holds every submission back:
 * 1 s, doubling up to retry_interval, until {@link #slotFreed} — a job ended — resets the back-off. Work that
 * could not be created within retry_time_window, or that the service refused, goes to the DLQ.
 * Not thread-safe: used on the coordinator's thread only.
 */
final class PendingWorkSubmitter {
    private static final Logger LOG = LoggerFactory.getLogger(PendingWorkSubmitter.class);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration HOLD_BACK_LOG_INTERVAL = Duration.ofMinutes(1);

    private final boolean trackJobs;
    private final int maxConcurrentJobs;
    private final Duration pollInterval;
    private final Duration retryInterval;
    private final Duration retryTimeWindow;
    private final BatchJobSubmitter submitter;
    /** Null when the jobs do not go through ML Commons (built-in Bedrock models): no ML Commons slots to explain. */
    private final SlotsHeldElsewhereReport slotsHeldElsewhere;
    private final ActiveWork work;
    private final Downstream downstream;
    private final MLProcessorMetrics metrics;
    private final Clock clock;

    private Instant submitNotBefore = Instant.MIN;
    private Duration backoff;
    private Instant lastHoldBackLog;

    PendingWorkSubmitter(final boolean trackJobs, final int maxConcurrentJobs, final Duration pollInterval,
                         final Duration retryInterval, final Duration retryTimeWindow, final BatchJobSubmitter submitter,
                         final SlotsHeldElsewhereReport slotsHeldElsewhere, final ActiveWork work, final Downstream downstream,
                         final MLProcessorMetrics metrics, final Clock clock) {
        this.trackJobs = trackJobs;
        this.maxConcurrentJobs = maxConcurrentJobs;
        this.pollInterval = pollInterval;
        this.retryInterval = retryInterval;
        this.retryTimeWindow = retryTimeWindow;
        this.submitter = submitter;
        this.slotsHeldElsewhere = slotsHeldElsewhere;
        this.work = work;
        this.downstream = downstream;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A slot has freed up: whatever was throttled may go now. */
    void slotFreed() {
        submitNotBefore = Instant.MIN;
        backoff = null;
    }

    /** The back-off now in force (null when none): how long submissions wait after the last throttling. */
    Duration backoff() {
        return backoff;
    }

    /** Submits pending work in order until a slot limit, a throttling or a transient failure stops it. */
    void submitPending() {
        final Instant now = clock.instant();
        if (now.isBefore(submitNotBefore)) {
            return;
        }
        for (final WorkItem item : new ArrayList<>(work.items())) {
            final JobState state = item.record.state();
            if (state != JobState.PENDING && state != JobState.SUBMITTING) {
                continue;
            }
            if (maxConcurrentJobs > 0 && work.outstanding() >= maxConcurrentJobs) {
                return;
            }
            if (item.retryingSince != null && now.isAfter(item.retryingSince.plus(retryTimeWindow))) {
                if (!item.lastFailureThrottled) {
                    // Its request kept failing (unreachable, 5xx): upstream counts such a request as failed; a throttled one it does not.
                    metrics.batchJobRequestsFailed().increment();
                }
                metrics.batchJobsCreationFailed().increment();
                metrics.recordsFailedInBatchJobCreation().increment(item.record.inputs().size());
                work.deadLetter(item, item.lastFailureStatus == 0 ? 408 : item.lastFailureStatus,
                        "gave up creating job " + item.record.jobName() + " after retry_time_window " + retryTimeWindow
                                + "; last failure: " + item.lastFailureReason, null);
                continue;
            }
            final BatchJobSubmitter.Result result = submitter.submit(item.record, item.lookUpFirst);
            if (result instanceof BatchJobSubmitter.Created created) {
                created(item, created);
            } else if (result instanceof BatchJobSubmitter.Throttled throttled) {
                metrics.batchJobsThrottled().increment();
                if (throttled.byMlCommonsTaskLimit() && work.outstanding() == 0 && slotsHeldElsewhere != null) {
                    slotsHeldElsewhere.throttledWithNoneOfOurs();
                }
                holdBack(item, throttled.status(), throttled.reason(), false, true);
                return;
            } else if (result instanceof BatchJobSubmitter.Retry retry) {
                holdBack(item, retry.status(), retry.reason(), true, false);
                return;
            } else if (result instanceof BatchJobSubmitter.Rejected rejected) {
                // As upstream counts BatchJobRequestsFailed: a job-creation request that failed, not one throttled.
                metrics.batchJobRequestsFailed().increment();
                metrics.batchJobsCreationFailed().increment();
                metrics.recordsFailedInBatchJobCreation().increment(item.record.inputs().size());
                work.deadLetter(item, rejected.status(), submitter.serviceLabel() + " refused job " + item.record.jobName() + ": " + rejected.reason(), null);
            }
        }
    }

    private void created(final WorkItem item, final BatchJobSubmitter.Created created) {
        item.record = created.record();
        item.lookUpFirst = false;
        item.retryingSince = null;
        item.nextPollAt = clock.instant().plus(pollInterval);
        backoff = null;
        if (!created.adopted()) {
            metrics.batchJobsCreationSucceeded().increment();
            metrics.recordsSucceededInBatchJobCreation().increment(item.record.inputs().size());
            LOG.info("Job {} created: task {}, {} input object(s){}", item.record.jobName(), item.record.taskId(),
                    item.record.inputs().size(), item.record.attempt() > 1 ? ", attempt " + item.record.attempt() : "");
        } else {
            metrics.batchJobDuplicatesAvoided().increment();
        }
        if (!trackJobs) {
            item.events.forEach(event -> downstream.input(event, item.record, null));
            item.events.clear();
        }
    }

    private void holdBack(final WorkItem item, final int status, final String reason, final boolean lookUpNext, final boolean throttled) {
        final Instant now = clock.instant();
        if (item.retryingSince == null) {
            item.retryingSince = now;
        }
        item.lastFailureStatus = status;
        item.lastFailureReason = reason;
        item.lastFailureThrottled = throttled;
        item.lookUpFirst = item.lookUpFirst || lookUpNext;
        backoff = backoff == null ? min(FIRST_BACKOFF, retryInterval) : min(backoff.multipliedBy(2), retryInterval);
        submitNotBefore = now.plus(backoff);
        // Throttling is routine with a small max_batch_inference_tasks: say so once a minute, not on every 429.
        if (lastHoldBackLog == null || !now.isBefore(lastHoldBackLog.plus(HOLD_BACK_LOG_INTERVAL))) {
            lastHoldBackLog = now;
            LOG.info("Job {} held back for {} ms ({} job(s) outstanding, {} waiting): {}", item.record.jobName(), backoff.toMillis(),
                    work.outstanding(), work.size() - work.outstanding(), reason);
        } else {
            LOG.debug("Job {} held back for {} ms: {}", item.record.jobName(), backoff.toMillis(), reason);
        }
    }

    private static Duration min(final Duration a, final Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
