package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.EventFailureHandler;
import dev.mlbatch.plugins.mlinference.MLProcessorMetrics;
import dev.mlbatch.plugins.mlinference.client.TaskStatus;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the batch side of the processor on one thread of its own, so job slots are used the moment they
 * free up rather than on the pipeline's schedule. Workers hand it events ({@link #accept}) and collect
 * what is ready to go downstream ({@link #drainReady}). Each {@link #tick} sequences its collaborators:
 * <ol>
 *   <li>{@link JobPoller}: the poll answers that came in; each job that ended goes to {@link JobOutcomes}
 *       (done, another attempt, a split, or the DLQ), frees a slot and lets pending work go at once;</li>
 *   <li>{@link JobIntake}: new events become work (one Bedrock object, or SageMaker groups of up to
 *       max_batch_size objects), recorded in the {@link JobLedger} — events whose object already has work attach to it;</li>
 *   <li>{@link JobPoller}: the polls that are due (every job_poll_interval);</li>
 *   <li>{@link PendingWorkSubmitter}: pending work while slots are free, backing off on throttling.</li>
 * </ol>
 * The work itself lives in {@link ActiveWork}; what goes downstream in {@link Downstream}. An input event goes
 * downstream (and so is acknowledged by the sink) once its job exists, or with track_jobs once the job has
 * finished; failures are tagged and dead-lettered.
 */
public final class BatchJobCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchJobCoordinator.class);

    /** Settings the coordinator needs, taken from the processor config. */
    public record Settings(ServiceName service, boolean trackJobs, int maxConcurrentJobs, int maxBatchSize,
                           Duration batchWait, Duration pollInterval, Duration retryInterval,
                           Duration retryTimeWindow, int maxJobAttempts) {
    }

    private final MLProcessorMetrics metrics;
    private final Clock clock;
    private final Downstream downstream;
    private final ActiveWork work;
    private final JobIntake intake;
    private final PendingWorkSubmitter submission;
    private final JobPoller poller;
    private final JobOutcomes outcomes;

    private volatile Runnable wakeUp = () -> { };
    private final AtomicBoolean flushGroups = new AtomicBoolean();

    public BatchJobCoordinator(final Settings settings, final InputObjectResolver resolver, final InputScreener screener,
                               final JobRepair repair, final JobNamer namer,
                               final JobLedger ledger, final BatchJobSubmitter submitter, final JobTracker tracker,
                               final SlotsHeldElsewhereReport slotsHeldElsewhere, final JobEventFactory jobEvents, final EventFailureHandler failures,
                               final MLProcessorMetrics metrics, final Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
        this.downstream = new Downstream(failures);
        this.work = new ActiveWork(ledger, downstream, resolver, metrics, clock);
        this.intake = new JobIntake(settings.service(), settings.trackJobs(), settings.maxBatchSize(), settings.batchWait(),
                resolver, screener, namer, ledger, work, downstream, metrics);
        this.submission = new PendingWorkSubmitter(settings.trackJobs(), settings.maxConcurrentJobs(), settings.pollInterval(),
                settings.retryInterval(), settings.retryTimeWindow(), submitter, slotsHeldElsewhere, work, downstream, metrics, clock);
        this.poller = new JobPoller(settings.pollInterval(), submitter, tracker, work, clock, () -> wakeUp.run());
        this.outcomes = new JobOutcomes(settings.service(), settings.trackJobs(), settings.maxJobAttempts(), repair, namer, ledger,
                jobEvents, work, downstream, metrics, clock);
        if (work.size() > 0) {
            LOG.info("Resuming {} unfinished job(s) from the ledger {} ({} outstanding at {})",
                    work.size(), ledger.file(), work.outstanding(), submitter.serviceLabel());
        }
        metrics.setOutstanding(work.outstanding());
    }

    /** Called by pipeline workers: the events now belong to the coordinator until they are drained. */
    public void accept(final Collection<Event> events) {
        intake.offer(events);
        wakeUp.run();
    }

    /** What to call when there is work for the next tick (new events, a poll answer), so it need not wait for its turn. */
    public void onWork(final Runnable wakeUp) {
        this.wakeUp = wakeUp;
    }

    /** How long the next tick may wait: until the next poll is due, at most {@code max}. */
    public synchronized Duration untilNextPoll(final Duration max) {
        return poller.untilNextPoll(clock.instant(), max);
    }

    /** Called by pipeline workers: everything ready to go downstream. */
    public List<Record<Event>> drainReady() {
        return downstream.drain();
    }

    /** Close open SageMaker groups now (shutdown): their work is then in the ledger. */
    public void flushGroups() {
        flushGroups.set(true);
    }

    /** True when the coordinator holds no event: none waiting for its job (or its job's end) and none waiting to be drained. */
    public synchronized boolean isDrained() {
        return intake.isEmpty() && downstream.isEmpty() && !work.holdsEvents();
    }

    public synchronized int outstanding() {
        return work.outstanding();
    }

    public synchronized int unfinished() {
        return work.size();
    }

    /** One round of work; called repeatedly from the coordinator's thread. */
    public synchronized void tick() {
        final Instant now = clock.instant();
        poller.handleAnswers(this::jobEnded);
        intake.take(now);
        intake.closeGroups(now, flushGroups.getAndSet(false));
        poller.pollDue(now);
        submission.submitPending();
        metrics.setOutstanding(work.outstanding());
    }

    private void jobEnded(final WorkItem item, final TaskStatus status) {
        submission.slotFreed();
        outcomes.jobEnded(item, status);
        // Use the freed slot now rather than after the other answers.
        submission.submitPending();
    }

    /** Stops the poll threads; unfinished work stays in the ledger. */
    @Override
    public void close() {
        poller.close();
    }
}
