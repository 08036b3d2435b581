package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.EventFailureHandler.Failure;
import dev.mlbatch.plugins.mlinference.MLProcessorMetrics;
import dev.mlbatch.plugins.mlinference.client.TaskStatus;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides what follows a job that ended: done (its left-out records followed up, its events released), another
 * attempt under a new deterministic name (up to max_job_attempts), a split of its input into follow-up work, or
 * the DLQ. Not thread-safe: used on the coordinator's thread only.
 */
final class JobOutcomes {
    private static final Logger LOG = LoggerFactory.getLogger(JobOutcomes.class);
    /** Polls in a row at which a finished job's output (or input, to split it) may be unreadable before we give up on it. */
    static final int MAX_REPAIR_TRIES = 5;

    private final ServiceName service;
    private final boolean trackJobs;
    private final int maxJobAttempts;
    private final JobRepair repair;
    private final JobNamer namer;
    private final JobLedger ledger;
    private final JobEventFactory jobEvents;
    private final ActiveWork work;
    private final Downstream downstream;
    private final MLProcessorMetrics metrics;
    private final Clock clock;

    JobOutcomes(final ServiceName service, final boolean trackJobs, final int maxJobAttempts, final JobRepair repair,
                final JobNamer namer, final JobLedger ledger, final JobEventFactory jobEvents, final ActiveWork work,
                final Downstream downstream, final MLProcessorMetrics metrics, final Clock clock) {
        this.service = service;
        this.trackJobs = trackJobs;
        this.maxJobAttempts = maxJobAttempts;
        this.repair = repair;
        this.namer = namer;
        this.ledger = ledger;
        this.jobEvents = jobEvents;
        this.work = work;
        this.downstream = downstream;
        this.metrics = metrics;
        this.clock = clock;
    }

    void jobEnded(final WorkItem item, final TaskStatus status) {
        final Instant now = clock.instant();
        final JobRecord record = item.record;
        if (record.submittedAt() != null) {
            metrics.batchJobDuration().record(Duration.between(record.submittedAt(), now));
        }
        if (status.isSuccessful() && record.foundByName() && record.attempt() < maxJobAttempts && outputGone(record, status)) {
            metrics.batchJobsResubmitted().increment();
            final String why = "job " + record.jobName() + " was found by name, ended " + status.state()
                    + " before, and its output is gone";
            item.record = record.nextAttempt(namer.jobName(record.workKey(), record.attempt() + 1), why, now);
            work.save(item.record);
            LOG.warn("{}; running it again as {}", why, item.record.jobName());
            return;
        }
        if (status.isSuccessful()) {
            completed(item, record, status, now);
            return;
        }
        failed(item, record, status, now);
    }

    private void completed(final WorkItem item, final JobRecord record, final TaskStatus status, final Instant now) {
        Optional<JobRepair.Plan> leftOver;
        try {
            // Bedrock: a partial job; OpenAI / Cohere: their outputs are copied into S3 here, before the job counts as done.
            leftOver = service != ServiceName.SAGEMAKER ? repair.afterCompletion(record, status) : Optional.empty();
        } catch (final RuntimeException e) {
            // Without reading the output we cannot say every record has its vector: read it again at the next poll.
            if (++item.repairFailures < MAX_REPAIR_TRIES) {
                LOG.warn("Job {} ended {}, but its output could not be checked ({}); checking again", record.jobName(), status.state(), e.toString());
                return;
            }
            if (service.isHostedApi()) {
                // Without the S3 copy nothing downstream can read the vectors: the job's records are not done.
                work.deadLetter(item, 502, "job " + record.jobName() + " ended " + status.state() + ", but its outputs could not be copied into S3 "
                        + MAX_REPAIR_TRIES + " times: " + e.getMessage(), status.state());
                return;
            }
            LOG.error("Job {} ended {}; its output could not be checked {} times ({}): records it may have left out are not followed up",
                    record.jobName(), status.state(), MAX_REPAIR_TRIES, e.toString());
            leftOver = Optional.empty();
        }
        if (leftOver.isPresent() && !applyRepair(record, leftOver.get())) {
            return;
        }
        metrics.batchJobsCompleted().increment();
        String note = null;
        if (leftOver.isPresent()) {
            metrics.batchJobsPartiallyCompleted().increment();
            metrics.recordsMissingFromBatchJob().increment(leftOver.get().missing());
            metrics.recordsFailedInBatchJob().increment(leftOver.get().failed());
            note = "partially completed: " + leftOver.get().summary();
            LOG.warn("Job {} (task {}) ended {}{}: {}", record.jobName(), record.taskId(), status.state(),
                    status.providerStatus().map(p -> " (provider: " + p + ")").orElse(""), leftOver.get().summary());
        } else {
            // The counterpart of "Job … created": an operator can follow every job from its creation to its end.
            LOG.info("Job {} (task {}) ended {}{}", record.jobName(), record.taskId(), status.state(),
                    status.providerStatus().map(p -> " (provider: " + p + ")").orElse(""));
        }
        item.record = record.completed(status.state(), note, now);
        work.save(item.record);
        if (trackJobs) {
            downstream.pass(jobEvents.jobEnded(record, status, now, false));
            item.events.forEach(event -> downstream.input(event, item.record, status.state()));
        }
        work.remove(record);
    }

    private void failed(final WorkItem item, final JobRecord record, final TaskStatus status, final Instant now) {
        metrics.batchJobsFailed().increment();
        final String reason = "job " + record.jobName() + " ended " + status.state()
                + status.failureReason().map(r -> ": " + r).orElse("");
        // A job the provider failed because of its input fails again on the same input: split it instead of paying again.
        final boolean deterministic = JobRepair.isDeterministic(status.failureReason().orElse(""));
        final boolean retry = !deterministic && status.isRetryableFailure() && record.attempt() < maxJobAttempts;
        if (trackJobs) {
            downstream.pass(jobEvents.jobEnded(record, status, now, retry));
        }
        if (retry) {
            metrics.batchJobsResubmitted().increment();
            item.record = record.nextAttempt(namer.jobName(record.workKey(), record.attempt() + 1), reason, now);
            item.lookUpFirst = false;
            item.retryingSince = null;
            work.save(item.record);
            LOG.warn("{}; resubmitting as {} (attempt {} of {})", reason, item.record.jobName(), item.record.attempt(), maxJobAttempts);
            return;
        }
        if (deterministic || status.isRetryableFailure()) {
            Optional<JobRepair.Plan> plan;
            try {
                plan = repair.afterFailure(record, status.failureReason().orElse(reason));
            } catch (final RuntimeException e) {
                if (++item.repairFailures < MAX_REPAIR_TRIES) {
                    LOG.warn("{}; could not split the job ({}); trying again at the next poll", reason, e.toString());
                    return;
                }
                LOG.error("{}; could not split the job {} times ({}); dead-lettering it whole", reason, MAX_REPAIR_TRIES, e.toString());
                plan = Optional.empty();
            }
            if (plan.isPresent()) {
                if (!applyRepair(record, plan.get())) {
                    return;
                }
                metrics.batchJobsSplit().increment();
                LOG.warn("{}{}; {}", reason, deterministic ? " (the input itself was refused: not retried as is)"
                        : " (after " + record.attempt() + " attempt(s))", plan.get().summary());
                item.record = record.split(status.state(), reason + "; " + plan.get().summary(), now);
                work.save(item.record);
                work.remove(record);
                item.events.forEach(event -> downstream.input(event, item.record, JobState.SPLIT.name()));
                return;
            }
        }
        work.deadLetter(item, 500, reason + (status.isRetryableFailure() ? " (after " + record.attempt() + " attempt(s))" : ""), status.state());
    }

    private boolean outputGone(final JobRecord record, final TaskStatus status) {
        try {
            return repair.outputGone(record, status, service);
        } catch (final RuntimeException e) {
            LOG.warn("Job {}: cannot check that its output still exists ({}); taking it as done", record.jobName(), e.toString());
            return false;
        }
    }

    /**
     * Records the derived work durably (work that already exists, from a repair made before a crash, is kept as it
     * is) and dead-letters the records given up on. @return false if the ledger could not record the derived work
     */
    private boolean applyRepair(final JobRecord record, final JobRepair.Plan plan) {
        for (final JobRecord derived : plan.derived()) {
            if (ledger.byWorkKey(derived.workKey()).isEmpty() && !work.create(derived, List.of())) {
                return false;
            }
            if (derived.recordCount() != null) {
                metrics.recordsResubmitted().increment(derived.recordCount());
            }
        }
        final List<Failure> dead = new ArrayList<>();
        for (final JobRepair.DeadRecord deadRecord : plan.deadRecords()) {
            dead.add(new Failure(null, deadRecord.from(), deadRecord.status(), deadRecord.reason(), record.jobName(), record.taskId(),
                    record.attempt(), deadRecord.record().line(), deadRecord.record().text(), 1));
        }
        metrics.recordsDeadLettered().increment(dead.size());
        downstream.failures(dead);
        return true;
    }
}
