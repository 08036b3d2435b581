package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.EventFailureHandler;
import dev.mlbatch.plugins.mlinference.EventFailureHandler.Failure;
import dev.mlbatch.plugins.mlinference.MLProcessorMetrics;
import dev.mlbatch.plugins.mlinference.client.MlCommonsException;
import dev.mlbatch.plugins.mlinference.client.TaskStatus;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the batch side of the processor on one thread of its own, so job slots are used the moment they
 * free up rather than on the pipeline's schedule. Workers hand it events ({@link #accept}) and collect
 * what is ready to go downstream ({@link #drainReady}). Each {@link #tick} it:
 * <ol>
 *   <li>turns new events into work (one Bedrock object, or SageMaker groups of up to max_batch_size
 *       objects), recorded in the {@link JobLedger} — events whose object already has work attach to it;</li>
 *   <li>polls outstanding jobs every job_poll_interval: finished ones release their events and free a slot;
 *       failed ones get a new attempt (new deterministic name) up to max_job_attempts, then the DLQ;</li>
 *   <li>submits pending work while slots are free; on throttling it backs off (1 s doubling, capped at
 *       retry_interval) until a slot frees, which resets the back-off.</li>
 * </ol>
 * An input event goes downstream (and so is acknowledged by the sink) once its job exists, or with
 * track_jobs once the job has finished; failures are tagged and dead-lettered.
 */
public final class BatchJobCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchJobCoordinator.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration HOLD_BACK_LOG_INTERVAL = Duration.ofMinutes(1);
    /** Polls in a row at which a finished job's output (or input, to split it) may be unreadable before we give up on it. */
    private static final int MAX_REPAIR_TRIES = 5;

    /** Settings the coordinator needs, taken from the processor config. */
    public record Settings(ServiceName service, boolean trackJobs, int maxConcurrentJobs, int maxBatchSize,
                           Duration batchWait, Duration pollInterval, Duration retryInterval,
                           Duration retryTimeWindow, int maxJobAttempts) {
    }

    private static final class WorkItem {
        JobRecord record;
        final List<Event> events = new ArrayList<>();
        Instant nextPollAt = Instant.MIN;
        boolean pollInFlight;
        boolean lookUpFirst;
        Instant retryingSince;
        int lastFailureStatus;
        String lastFailureReason;
        int repairFailures;

        WorkItem(final JobRecord record) {
            this.record = record;
        }
    }

    private static final class OpenGroup {
        final Instant openedAt;
        final Map<String, InputObject> inputs = new LinkedHashMap<>();
        final Map<String, List<Event>> events = new LinkedHashMap<>();
        final Map<String, List<InputObject>> sources = new LinkedHashMap<>();
        final Map<String, Integer> records = new LinkedHashMap<>();

        OpenGroup(final Instant openedAt) {
            this.openedAt = openedAt;
        }
    }

    private final Settings settings;
    private final InputObjectResolver resolver;
    private final InputScreener screener;
    private final JobRepair repair;
    private final JobNamer namer;
    private final JobLedger ledger;
    private final BatchJobSubmitter submitter;
    private final JobTracker tracker;
    /** Null when the jobs do not go through ML Commons (built-in Bedrock models): no ML Commons slots to explain. */
    private final SlotsHeldElsewhereReport slotsHeldElsewhere;
    private final JobEventFactory jobEvents;
    private final EventFailureHandler failures;
    private final MLProcessorMetrics metrics;
    private final Clock clock;

    private final ConcurrentLinkedQueue<Event> intake = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Record<Event>> ready = new ConcurrentLinkedQueue<>();
    /** Poll answers, handed over by the poll threads and handled by the next tick. */
    private final ConcurrentLinkedQueue<Polled> polled = new ConcurrentLinkedQueue<>();
    private volatile Runnable wakeUp = () -> { };
    private final AtomicBoolean flushGroups = new AtomicBoolean();
    private final Map<String, WorkItem> active = new LinkedHashMap<>();
    private final ExecutorService pollers = Executors.newFixedThreadPool(4, runnable -> {
        final Thread thread = new Thread(runnable, "ml-inference-poll");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, OpenGroup> openGroups = new LinkedHashMap<>();
    private Instant submitNotBefore = Instant.MIN;
    private Duration backoff;
    private Instant lastHoldBackLog;

    public BatchJobCoordinator(final Settings settings, final InputObjectResolver resolver, final InputScreener screener,
                               final JobRepair repair, final JobNamer namer,
                               final JobLedger ledger, final BatchJobSubmitter submitter, final JobTracker tracker,
                               final SlotsHeldElsewhereReport slotsHeldElsewhere, final JobEventFactory jobEvents, final EventFailureHandler failures,
                               final MLProcessorMetrics metrics, final Clock clock) {
        this.settings = settings;
        this.resolver = resolver;
        this.screener = screener;
        this.repair = repair;
        this.namer = namer;
        this.ledger = ledger;
        this.submitter = submitter;
        this.tracker = tracker;
        this.slotsHeldElsewhere = slotsHeldElsewhere;
        this.jobEvents = jobEvents;
        this.failures = failures;
        this.metrics = metrics;
        this.clock = clock;
        for (final JobRecord record : ledger.unfinished()) {
            final WorkItem item = new WorkItem(record);
            // A crash may have happened after ML Commons created the job but before the ledger heard back.
            item.lookUpFirst = record.state() == JobState.SUBMITTING;
            active.put(record.workKey(), item);
        }
        if (!active.isEmpty()) {
            LOG.info("Resuming {} unfinished job(s) from the ledger {} ({} outstanding at {})",
                    active.size(), ledger.file(), outstanding(), submitter.serviceLabel());
        }
        metrics.setOutstanding(outstanding());
    }

    /** Called by pipeline workers: the events now belong to the coordinator until they are drained. */
    public void accept(final Collection<Event> events) {
        intake.addAll(events);
        wakeUp.run();
    }

    /** What to call when there is work for the next tick (new events, a poll answer), so it need not wait for its turn. */
    public void onWork(final Runnable wakeUp) {
        this.wakeUp = wakeUp;
    }

    /** How long the next tick may wait: until the next poll is due, at most {@code max}. */
    public synchronized Duration untilNextPoll(final Duration max) {
        final Instant now = clock.instant();
        Duration wait = max;
        for (final WorkItem item : active.values()) {
            if (item.record.isOutstanding() && !item.pollInFlight) {
                final Duration untilDue = Duration.between(now, item.nextPollAt);
                if (untilDue.compareTo(wait) < 0) {
                    wait = untilDue.isNegative() ? Duration.ZERO : untilDue;
                }
            }
        }
        return wait;
    }

    /** Called by pipeline workers: everything ready to go downstream. */
    public List<Record<Event>> drainReady() {
        final List<Record<Event>> out = new ArrayList<>();
        Record<Event> record;
        while ((record = ready.poll()) != null) {
            out.add(record);
        }
        return out;
    }

    /** Close open SageMaker groups now (shutdown): their work is then in the ledger. */
    public void flushGroups() {
        flushGroups.set(true);
    }

    /** True when the coordinator holds no event: none waiting for its job (or its job's end) and none waiting to be drained. */
    public synchronized boolean isDrained() {
        return intake.isEmpty() && ready.isEmpty() && openGroups.isEmpty()
                && active.values().stream().allMatch(item -> item.events.isEmpty());
    }

    public synchronized int outstanding() {
        return (int) active.values().stream().filter(item -> item.record.isOutstanding()).count();
    }

    public synchronized int unfinished() {
        return active.size();
    }

    /** One round of work; called repeatedly from the coordinator's thread. */
    public synchronized void tick() {
        final Instant now = clock.instant();
        handlePollAnswers();
        takeIntake(now);
        closeGroups(now, flushGroups.getAndSet(false));
        pollJobs(now);
        submitPending();
        metrics.setOutstanding(outstanding());
    }

    private void takeIntake(final Instant now) {
        Event event;
        while ((event = intake.poll()) != null) {
            final InputObject input;
            try {
                input = resolver.resolve(event);
            } catch (final BadInputException e) {
                metrics.recordsFailedInBatchJobCreation().increment();
                emitFailures(List.of(Failure.of(event, null, 400, e.getMessage())));
                continue;
            }
            if (JobNamer.isOwnManifest(input.key())) {
                // Our manifests lie beside the inputs; a scan without exclude_suffix .manifest lists them too.
                LOG.debug("{} is a manifest of ours, not an input; passing the event on", input.s3Uri());
                ready.add(new Record<>(event));
                continue;
            }
            final JobRecord known = ledger.byInput(input).orElse(null);
            if (known != null) {
                attachToKnownWork(event, input, known);
                continue;
            }
            final InputScreener.Result screened = screener.screen(input);
            InputObject jobInput = input;
            final List<InputObject> sources = new ArrayList<>();
            Integer records = null;
            if (screened instanceof InputScreener.Missing missing) {
                metrics.recordsFailedInBatchJobCreation().increment();
                emitFailures(List.of(Failure.of(event, input, 404, missing.reason())));
                continue;
            } else if (screened instanceof InputScreener.Screened checked) {
                // The same content may have come under another version string (a re-run rewrote the object).
                final JobRecord sameContent = ledger.byInput(checked.object()).orElse(null);
                if (sameContent != null) {
                    attachToKnownWork(event, input, sameContent);
                    continue;
                }
                metrics.recordsRejectedBeforeBatchJob().increment(checked.rejected());
                if (checked.jobInput() == null) {
                    metrics.recordsFailedInBatchJobCreation().increment();
                    final String why = checked.records() == 0
                            ? checked.object().s3Uri() + " holds no records (empty, or only blank lines); no job is created for it"
                            : "none of the " + checked.records() + " record(s) of " + checked.object().s3Uri()
                            + " can be embedded; all were rejected to " + checked.rejectedUri();
                    emitFailures(List.of(new Failure(event, checked.object(), 400, why, null, null, null, null, null, 0)));
                    continue;
                }
                jobInput = checked.jobInput();
                records = checked.records() - checked.rejected();
                for (final InputObject source : List.of(input, checked.object())) {
                    if (!source.identity().equals(jobInput.identity()) && sources.stream().noneMatch(s -> s.identity().equals(source.identity()))) {
                        sources.add(source);
                    }
                }
            }
            if (settings.service() == ServiceName.SAGEMAKER) {
                final OpenGroup group = openGroups.computeIfAbsent(jobInput.bucket(), bucket -> new OpenGroup(now));
                group.inputs.putIfAbsent(jobInput.identity(), jobInput);
                group.events.computeIfAbsent(jobInput.identity(), id -> new ArrayList<>()).add(event);
                group.sources.computeIfAbsent(jobInput.identity(), id -> new ArrayList<>()).addAll(sources);
                group.records.put(jobInput.identity(), records);
            } else {
                final String workKey = namer.workKey(List.of(jobInput));
                createWork(JobRecord.pending(workKey, List.of(jobInput), sources, records, namer.jobName(workKey, 1), now), List.of(event));
            }
        }
    }

    private void attachToKnownWork(final Event event, final InputObject input, final JobRecord known) {
        metrics.batchJobDuplicatesAvoided().increment();
        switch (known.state()) {
            case COMPLETED:
                LOG.info("{} already went through job {} (completed); passing the event on without a new job", input.s3Uri(), known.jobName());
                emitInput(event, known, known.taskState());
                break;
            case SPLIT:
                LOG.info("{} already went through job {}, which was split into follow-up jobs; passing the event on", input.s3Uri(), known.jobName());
                emitInput(event, known, "SPLIT");
                break;
            case DEAD_LETTERED:
                emitFailures(List.of(new Failure(event, input, 400, "this object's job was dead-lettered before: " + known.reason(),
                        known.jobName(), known.taskId(), known.attempt(), null, null, 0)));
                break;
            default:
                final WorkItem item = active.get(known.workKey());
                if (item == null) {
                    // Cannot happen: unfinished records are always active. Keep the event rather than lose it.
                    active.put(known.workKey(), new WorkItem(known));
                }
                LOG.info("{} already has job {} ({}); the event joins it", input.s3Uri(), known.jobName(), known.state());
                if (!settings.trackJobs() && known.isOutstanding()) {
                    emitInput(event, known, null);
                } else {
                    active.get(known.workKey()).events.add(event);
                }
        }
    }

    private boolean createWork(final JobRecord record, final List<Event> events) {
        try {
            ledger.save(record);
        } catch (final IOException e) {
            // Without a durable record we cannot promise "no duplicate"; let the source deliver the events again.
            LOG.error("Cannot record work for {} in the ledger {}: {}; releasing its events negatively",
                    record.inputs().stream().map(InputObject::s3Uri).toList(), ledger.file(), e.getMessage());
            events.forEach(event -> event.getEventHandle().release(false));
            return false;
        }
        final WorkItem item = new WorkItem(record);
        item.events.addAll(events);
        active.put(record.workKey(), item);
        return true;
    }

    private void closeGroups(final Instant now, final boolean force) {
        for (final var iterator = openGroups.entrySet().iterator(); iterator.hasNext(); ) {
            final OpenGroup group = iterator.next().getValue();
            final boolean due = force || group.inputs.size() >= settings.maxBatchSize()
                    || !now.isBefore(group.openedAt.plus(settings.batchWait()));
            if (!due) {
                continue;
            }
            final List<InputObject> members = new ArrayList<>(group.inputs.values());
            for (int from = 0; from < members.size(); from += settings.maxBatchSize()) {
                final List<InputObject> batch = members.subList(from, Math.min(members.size(), from + settings.maxBatchSize()));
                final List<Event> events = new ArrayList<>();
                final List<InputObject> sources = new ArrayList<>();
                Integer records = 0;
                for (final InputObject input : batch) {
                    events.addAll(group.events.get(input.identity()));
                    sources.addAll(group.sources.getOrDefault(input.identity(), List.of()));
                    final Integer count = group.records.get(input.identity());
                    records = records == null || count == null ? null : records + count;
                }
                final String workKey = namer.workKey(batch);
                final JobRecord existing = ledger.byWorkKey(workKey).orElse(null);
                if (existing != null) {
                    events.forEach(event -> attachToKnownWork(event, batch.get(0), existing));
                } else {
                    createWork(JobRecord.pending(workKey, List.copyOf(batch), sources, records, namer.jobName(workKey, 1), now), events);
                }
            }
            iterator.remove();
        }
    }

    /**
     * Sends the GETs that are due, each on a poll thread of its own (each makes ML Commons ask the provider, which
     * takes a while). Every job is polled exactly every job_poll_interval, whatever the others do; an answer wakes
     * the coordinator at once, so a finished job frees its slot for the next one without waiting for a tick.
     */
    private void pollJobs(final Instant now) {
        for (final WorkItem item : active.values()) {
            if (item.record.isOutstanding() && !item.pollInFlight && !now.isBefore(item.nextPollAt)) {
                item.pollInFlight = true;
                item.nextPollAt = now.plus(settings.pollInterval());
                final JobRecord record = item.record;
                try {
                    pollers.execute(() -> {
                        polled.add(poll(item, record));
                        wakeUp.run();
                    });
                } catch (final RejectedExecutionException closed) {
                    item.pollInFlight = false;
                    return;
                }
            }
        }
    }

    private void handlePollAnswers() {
        Polled answer;
        while ((answer = polled.poll()) != null) {
            answer.item().pollInFlight = false;
            handlePoll(answer);
        }
    }

    /** One poll's outcome: a status, a failure, or (no task id yet) nothing but a look-up. */
    private record Polled(WorkItem item, JobRecord record, TaskStatus status, MlCommonsException failure, String foundTaskId) {
    }

    private Polled poll(final WorkItem item, final JobRecord record) {
        try {
            if (record.taskId() == null) {
                return new Polled(item, record, null, null, submitter.findTask(record).orElse(null));
            }
            return new Polled(item, record, tracker.poll(record), null, null);
        } catch (final MlCommonsException e) {
            return new Polled(item, record, null, e, null);
        } catch (final RuntimeException e) {
            LOG.error("Polling job {} failed unexpectedly: {}", record.jobName(), e.toString());
            return new Polled(item, record, null, new MlCommonsException("polling failed unexpectedly: " + e, e), null);
        }
    }

    private void handlePoll(final Polled polled) {
        final WorkItem item = polled.item();
        if (item.record != polled.record() || !active.containsKey(item.record.workKey())) {
            return; // the work moved on meanwhile
        }
        if (polled.record().taskId() == null) {
            if (polled.foundTaskId() != null) {
                item.record = item.record.foundByName(polled.foundTaskId(),
                        item.record.submittedAt() == null ? clock.instant() : item.record.submittedAt());
                save(item.record);
                LOG.info("Job {}: found its task {}", item.record.jobName(), polled.foundTaskId());
            }
            return;
        }
        if (polled.failure() != null) {
            if (polled.failure().status() == 404) {
                jobEnded(item, new TaskStatus(item.record.taskId(), "UNREACHABLE", com.fasterxml.jackson.databind.node.MissingNode.getInstance(),
                        "the task is gone from " + submitter.serviceLabel() + ": " + polled.failure().reason(), null, null));
                submitPending();
            }
            return;
        }
        if (polled.status().isTerminal()) {
            jobEnded(item, polled.status());
            // Use the freed slot now rather than after the other answers.
            submitPending();
        }
    }

    private void jobEnded(final WorkItem item, final TaskStatus status) {
        final Instant now = clock.instant();
        final JobRecord record = item.record;
        tracker.forget(record);
        // A slot has freed up: whatever was throttled may go now.
        submitNotBefore = Instant.MIN;
        backoff = null;
        if (record.submittedAt() != null) {
            metrics.batchJobDuration().record(Duration.between(record.submittedAt(), now));
        }
        if (status.isSuccessful() && record.foundByName() && record.attempt() < settings.maxJobAttempts() && outputGone(record, status)) {
            metrics.batchJobsResubmitted().increment();
            final String why = "job " + record.jobName() + " was found by name, ended " + status.state()
                    + " before, and its output is gone";
            item.record = record.nextAttempt(namer.jobName(record.workKey(), record.attempt() + 1), why, now);
            save(item.record);
            LOG.warn("{}; running it again as {}", why, item.record.jobName());
            return;
        }
        if (status.isSuccessful()) {
            Optional<JobRepair.Plan> leftOver;
            try {
                // Bedrock: a partial job; OpenAI / Cohere: their outputs are copied into S3 here, before the job counts as done.
                leftOver = settings.service() != ServiceName.SAGEMAKER ? repair.afterCompletion(record, status) : Optional.empty();
            } catch (final RuntimeException e) {
                // Without reading the output we cannot say every record has its vector: read it again at the next poll.
                if (++item.repairFailures < MAX_REPAIR_TRIES) {
                    LOG.warn("Job {} ended {}, but its output could not be checked ({}); checking again", record.jobName(), status.state(), e.toString());
                    return;
                }
                if (settings.service().isHostedApi()) {
                    // Without the S3 copy nothing downstream can read the vectors: the job's records are not done.
                    deadLetter(item, 502, "job " + record.jobName() + " ended " + status.state() + ", but its outputs could not be copied into S3 "
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
            save(item.record);
            if (settings.trackJobs()) {
                ready.add(new Record<>(jobEvents.jobEnded(record, status, now, false)));
                item.events.forEach(event -> emitInput(event, item.record, status.state()));
            }
            active.remove(record.workKey());
            return;
        }
        metrics.batchJobsFailed().increment();
        final String reason = "job " + record.jobName() + " ended " + status.state()
                + status.failureReason().map(r -> ": " + r).orElse("");
        // A job the provider failed because of its input fails again on the same input: split it instead of paying again.
        final boolean deterministic = JobRepair.isDeterministic(status.failureReason().orElse(""));
        final boolean retry = !deterministic && status.isRetryableFailure() && record.attempt() < settings.maxJobAttempts();
        if (settings.trackJobs()) {
            ready.add(new Record<>(jobEvents.jobEnded(record, status, now, retry)));
        }
        if (retry) {
            metrics.batchJobsResubmitted().increment();
            item.record = record.nextAttempt(namer.jobName(record.workKey(), record.attempt() + 1), reason, now);
            item.lookUpFirst = false;
            item.retryingSince = null;
            save(item.record);
            LOG.warn("{}; resubmitting as {} (attempt {} of {})", reason, item.record.jobName(), item.record.attempt(), settings.maxJobAttempts());
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
                save(item.record);
                active.remove(record.workKey());
                item.events.forEach(event -> emitInput(event, item.record, JobState.SPLIT.name()));
                return;
            }
        }
        deadLetter(item, 500, reason + (status.isRetryableFailure() ? " (after " + record.attempt() + " attempt(s))" : ""), status.state());
    }

    private boolean outputGone(final JobRecord record, final TaskStatus status) {
        try {
            return repair.outputGone(record, status, settings.service());
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
            if (ledger.byWorkKey(derived.workKey()).isEmpty() && !createWork(derived, List.of())) {
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
        emitFailures(dead);
        return true;
    }

    private void submitPending() {
        final Instant now = clock.instant();
        if (now.isBefore(submitNotBefore)) {
            return;
        }
        for (final WorkItem item : new ArrayList<>(active.values())) {
            final JobState state = item.record.state();
            if (state != JobState.PENDING && state != JobState.SUBMITTING) {
                continue;
            }
            if (settings.maxConcurrentJobs() > 0 && outstanding() >= settings.maxConcurrentJobs()) {
                return;
            }
            if (item.retryingSince != null && now.isAfter(item.retryingSince.plus(settings.retryTimeWindow()))) {
                metrics.batchJobsCreationFailed().increment();
                metrics.recordsFailedInBatchJobCreation().increment(item.record.inputs().size());
                deadLetter(item, item.lastFailureStatus == 0 ? 408 : item.lastFailureStatus,
                        "gave up creating job " + item.record.jobName() + " after retry_time_window " + settings.retryTimeWindow()
                                + "; last failure: " + item.lastFailureReason, null);
                continue;
            }
            final BatchJobSubmitter.Result result = submitter.submit(item.record, item.lookUpFirst);
            if (result instanceof BatchJobSubmitter.Created created) {
                created(item, created);
            } else if (result instanceof BatchJobSubmitter.Throttled throttled) {
                metrics.batchJobsThrottled().increment();
                if (throttled.byMlCommonsTaskLimit() && outstanding() == 0 && slotsHeldElsewhere != null) {
                    slotsHeldElsewhere.throttledWithNoneOfOurs();
                }
                holdBack(item, throttled.status(), throttled.reason(), false);
                return;
            } else if (result instanceof BatchJobSubmitter.Retry retry) {
                holdBack(item, retry.status(), retry.reason(), true);
                return;
            } else if (result instanceof BatchJobSubmitter.Rejected rejected) {
                metrics.batchJobsCreationFailed().increment();
                metrics.recordsFailedInBatchJobCreation().increment(item.record.inputs().size());
                deadLetter(item, rejected.status(), submitter.serviceLabel() + " refused job " + item.record.jobName() + ": " + rejected.reason(), null);
            }
        }
    }

    private void created(final WorkItem item, final BatchJobSubmitter.Created created) {
        item.record = created.record();
        item.lookUpFirst = false;
        item.retryingSince = null;
        item.nextPollAt = clock.instant().plus(settings.pollInterval());
        backoff = null;
        if (!created.adopted()) {
            metrics.batchJobsCreationSucceeded().increment();
            metrics.recordsSucceededInBatchJobCreation().increment(item.record.inputs().size());
            LOG.info("Job {} created: task {}, {} input object(s){}", item.record.jobName(), item.record.taskId(),
                    item.record.inputs().size(), item.record.attempt() > 1 ? ", attempt " + item.record.attempt() : "");
        } else {
            metrics.batchJobDuplicatesAvoided().increment();
        }
        if (!settings.trackJobs()) {
            item.events.forEach(event -> emitInput(event, item.record, null));
            item.events.clear();
        }
    }

    private void holdBack(final WorkItem item, final int status, final String reason, final boolean lookUpNext) {
        final Instant now = clock.instant();
        if (item.retryingSince == null) {
            item.retryingSince = now;
        }
        item.lastFailureStatus = status;
        item.lastFailureReason = reason;
        item.lookUpFirst = item.lookUpFirst || lookUpNext;
        backoff = backoff == null ? min(FIRST_BACKOFF, settings.retryInterval()) : min(backoff.multipliedBy(2), settings.retryInterval());
        submitNotBefore = now.plus(backoff);
        // Throttling is routine with a small max_batch_inference_tasks: say so once a minute, not on every 429.
        if (lastHoldBackLog == null || !now.isBefore(lastHoldBackLog.plus(HOLD_BACK_LOG_INTERVAL))) {
            lastHoldBackLog = now;
            LOG.info("Job {} held back for {} ms ({} job(s) outstanding, {} waiting): {}", item.record.jobName(), backoff.toMillis(),
                    outstanding(), active.size() - outstanding(), reason);
        } else {
            LOG.debug("Job {} held back for {} ms: {}", item.record.jobName(), backoff.toMillis(), reason);
        }
    }

    private void deadLetter(final WorkItem item, final int status, final String reason, final String taskState) {
        final JobRecord record = item.record;
        metrics.batchJobsDeadLettered().increment();
        item.record = record.deadLettered(taskState, reason, clock.instant());
        save(item.record);
        active.remove(record.workKey());
        final List<Failure> failed = new ArrayList<>();
        if (item.events.isEmpty()) {
            // Events already went downstream (job existed) or were lost in a restart: dead-letter the objects.
            final Integer records = record.inputs().size() == 1 ? record.recordCount() : null;
            record.inputs().forEach(input -> failed.add(new Failure(null, input, status, reason, record.jobName(), record.taskId(),
                    record.attempt(), null, null, records)));
        } else {
            for (final Event event : item.events) {
                failed.add(new Failure(event, inputOf(event, record), status, reason, record.jobName(), record.taskId(), record.attempt(),
                        null, null, item.events.size() == 1 ? record.recordCount() : null));
            }
        }
        if (record.recordCount() != null) {
            metrics.recordsDeadLettered().increment(record.recordCount());
        }
        emitFailures(failed);
    }

    private InputObject inputOf(final Event event, final JobRecord record) {
        try {
            final InputObject input = resolver.resolve(event);
            return record.inputs().stream().filter(i -> i.identity().equals(input.identity())).findFirst().orElse(input);
        } catch (final BadInputException e) {
            return record.inputs().get(0);
        }
    }

    private void emitInput(final Event event, final JobRecord record, final String finalState) {
        if (record.taskId() != null) {
            event.put("task_id", record.taskId());
        }
        event.put("job_name", record.jobName());
        if (finalState != null) {
            event.put("job_state", finalState);
        }
        ready.add(new Record<>(event));
    }

    private void emitFailures(final List<Failure> failed) {
        ready.addAll(failures.handle(failed));
    }

    private void save(final JobRecord record) {
        try {
            ledger.save(record);
        } catch (final IOException e) {
            LOG.error("Cannot record job {} ({}) in the ledger {}: {}", record.jobName(), record.state(), ledger.file(), e.getMessage());
        }
    }

    /** Stops the poll threads; unfinished work stays in the ledger. */
    @Override
    public void close() {
        pollers.shutdownNow();
    }

    private static Duration min(final Duration a, final Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
