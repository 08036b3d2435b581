package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.EventFailureHandler.Failure;
import dev.mlbatch.plugins.mlinference.MLProcessorMetrics;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import org.opensearch.dataprepper.model.event.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Turns input events into work: resolves each event's object, screens it, and either attaches the event to
 * work the ledger already has for that object (a replay, a restart) or creates new work — one job per object,
 * or for SageMaker groups of up to max_batch_size objects per bucket, closed when full or after batch_wait.
 * Events arrive from pipeline workers ({@link #offer}); everything else runs on the coordinator's thread.
 */
final class JobIntake {
    private static final Logger LOG = LoggerFactory.getLogger(JobIntake.class);

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

    private final ServiceName service;
    private final boolean trackJobs;
    private final int maxBatchSize;
    private final Duration batchWait;
    private final InputObjectResolver resolver;
    private final InputScreener screener;
    private final JobNamer namer;
    private final JobLedger ledger;
    private final ActiveWork work;
    private final Downstream downstream;
    private final MLProcessorMetrics metrics;

    private final ConcurrentLinkedQueue<Event> intake = new ConcurrentLinkedQueue<>();
    private final Map<String, OpenGroup> openGroups = new LinkedHashMap<>();

    JobIntake(final ServiceName service, final boolean trackJobs, final int maxBatchSize, final Duration batchWait,
              final InputObjectResolver resolver, final InputScreener screener, final JobNamer namer, final JobLedger ledger,
              final ActiveWork work, final Downstream downstream, final MLProcessorMetrics metrics) {
        this.service = service;
        this.trackJobs = trackJobs;
        this.maxBatchSize = maxBatchSize;
        this.batchWait = batchWait;
        this.resolver = resolver;
        this.screener = screener;
        this.namer = namer;
        this.ledger = ledger;
        this.work = work;
        this.downstream = downstream;
        this.metrics = metrics;
    }

    /** Any thread: the events wait for {@link #take}. */
    void offer(final Collection<Event> events) {
        intake.addAll(events);
    }

    /** True when no event waits here: none offered and not taken, no SageMaker group open. */
    boolean isEmpty() {
        return intake.isEmpty() && openGroups.isEmpty();
    }

    /** Takes every event offered so far: attached to known work, made into new work, added to an open group, or failed. */
    void take(final Instant now) {
        Event event;
        while ((event = intake.poll()) != null) {
            final InputObject input;
            try {
                input = resolver.resolve(event);
            } catch (final BadInputException e) {
                metrics.recordsFailedInBatchJobCreation().increment();
                downstream.failures(List.of(Failure.of(event, null, 400, e.getMessage())));
                continue;
            }
            if (JobNamer.isOwnManifest(input.key())) {
                // Our manifests lie beside the inputs; a scan without exclude_suffix .manifest lists them too.
                LOG.debug("{} is a manifest of ours, not an input; passing the event on", input.s3Uri());
                downstream.pass(event);
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
                downstream.failures(List.of(Failure.of(event, input, 404, missing.reason())));
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
                    downstream.failures(List.of(new Failure(event, checked.object(), 400, why, null, null, null, null, null, 0)));
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
            if (service == ServiceName.SAGEMAKER) {
                final OpenGroup group = openGroups.computeIfAbsent(jobInput.bucket(), bucket -> new OpenGroup(now));
                group.inputs.putIfAbsent(jobInput.identity(), jobInput);
                group.events.computeIfAbsent(jobInput.identity(), id -> new ArrayList<>()).add(event);
                group.sources.computeIfAbsent(jobInput.identity(), id -> new ArrayList<>()).addAll(sources);
                group.records.put(jobInput.identity(), records);
            } else {
                final String workKey = namer.workKey(List.of(jobInput));
                work.create(JobRecord.pending(workKey, List.of(jobInput), sources, records, namer.jobName(workKey, 1), now), List.of(event));
            }
        }
    }

    /** Closes the SageMaker groups that are full or have waited batch_wait (all of them with {@code force}) into work. */
    void closeGroups(final Instant now, final boolean force) {
        for (final var iterator = openGroups.entrySet().iterator(); iterator.hasNext(); ) {
            final OpenGroup group = iterator.next().getValue();
            final boolean due = force || group.inputs.size() >= maxBatchSize
                    || !now.isBefore(group.openedAt.plus(batchWait));
            if (!due) {
                continue;
            }
            final List<InputObject> members = new ArrayList<>(group.inputs.values());
            for (int from = 0; from < members.size(); from += maxBatchSize) {
                final List<InputObject> batch = members.subList(from, Math.min(members.size(), from + maxBatchSize));
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
                    work.create(JobRecord.pending(workKey, List.copyOf(batch), sources, records, namer.jobName(workKey, 1), now), events);
                }
            }
            iterator.remove();
        }
    }

    private void attachToKnownWork(final Event event, final InputObject input, final JobRecord known) {
        metrics.batchJobDuplicatesAvoided().increment();
        switch (known.state()) {
            case COMPLETED:
                LOG.info("{} already went through job {} (completed); passing the event on without a new job", input.s3Uri(), known.jobName());
                downstream.input(event, known, known.taskState());
                break;
            case SPLIT:
                LOG.info("{} already went through job {}, which was split into follow-up jobs; passing the event on", input.s3Uri(), known.jobName());
                downstream.input(event, known, "SPLIT");
                break;
            case DEAD_LETTERED:
                downstream.failures(List.of(new Failure(event, input, 400, "this object's job was dead-lettered before: " + known.reason(),
                        known.jobName(), known.taskId(), known.attempt(), null, null, 0)));
                break;
            default:
                if (!work.contains(known.workKey())) {
                    // Cannot happen: unfinished records are always active. Keep the event rather than lose it.
                    work.reactivate(known);
                }
                LOG.info("{} already has job {} ({}); the event joins it", input.s3Uri(), known.jobName(), known.state());
                if (!trackJobs && known.isOutstanding()) {
                    downstream.input(event, known, null);
                } else {
                    work.get(known.workKey()).events.add(event);
                }
        }
    }
}
