package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.EventFailureHandler.Failure;
import dev.mlbatch.plugins.mlinference.MLProcessorMetrics;
import org.opensearch.dataprepper.model.event.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The work that has not reached an end (in work-key order, as the ledger gave it or as it came), each change of
 * it recorded in the {@link JobLedger}, and the one way work leaves for the DLQ. Not thread-safe: used on the
 * coordinator's thread only.
 */
final class ActiveWork {
    private static final Logger LOG = LoggerFactory.getLogger(ActiveWork.class);

    private final Map<String, WorkItem> items = new LinkedHashMap<>();
    private final JobLedger ledger;
    private final Downstream downstream;
    private final InputObjectResolver resolver;
    private final MLProcessorMetrics metrics;
    private final Clock clock;

    /** Starts with the ledger's unfinished work. */
    ActiveWork(final JobLedger ledger, final Downstream downstream, final InputObjectResolver resolver,
               final MLProcessorMetrics metrics, final Clock clock) {
        this.ledger = ledger;
        this.downstream = downstream;
        this.resolver = resolver;
        this.metrics = metrics;
        this.clock = clock;
        for (final JobRecord record : ledger.unfinished()) {
            final WorkItem item = new WorkItem(record);
            // A crash may have happened after ML Commons created the job but before the ledger heard back.
            item.lookUpFirst = record.state() == JobState.SUBMITTING;
            items.put(record.workKey(), item);
        }
    }

    Collection<WorkItem> items() {
        return items.values();
    }

    WorkItem get(final String workKey) {
        return items.get(workKey);
    }

    boolean contains(final String workKey) {
        return items.containsKey(workKey);
    }

    /** Makes a ledger record active again (it should have been: unfinished records always are). */
    void reactivate(final JobRecord record) {
        items.put(record.workKey(), new WorkItem(record));
    }

    void remove(final JobRecord record) {
        items.remove(record.workKey());
    }

    int size() {
        return items.size();
    }

    int outstanding() {
        return (int) items.values().stream().filter(item -> item.record.isOutstanding()).count();
    }

    /** True when some work still holds input events (waiting for its job, or its job's end). */
    boolean holdsEvents() {
        return items.values().stream().anyMatch(item -> !item.events.isEmpty());
    }

    /**
     * Records new work in the ledger and makes it active with its events.
     * @return false when the ledger could not record it: its events are then released negatively
     */
    boolean create(final JobRecord record, final List<Event> events) {
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
        items.put(record.workKey(), item);
        return true;
    }

    void save(final JobRecord record) {
        try {
            ledger.save(record);
        } catch (final IOException e) {
            LOG.error("Cannot record job {} ({}) in the ledger {}: {}", record.jobName(), record.state(), ledger.file(), e.getMessage());
        }
    }

    /** Gives the work up: recorded as dead-lettered, its events (or, when they already left, its objects) to the DLQ. */
    void deadLetter(final WorkItem item, final int status, final String reason, final String taskState) {
        final JobRecord record = item.record;
        metrics.batchJobsDeadLettered().increment();
        item.record = record.deadLettered(taskState, reason, clock.instant());
        save(item.record);
        items.remove(record.workKey());
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
        downstream.failures(failed);
    }

    private InputObject inputOf(final Event event, final JobRecord record) {
        try {
            final InputObject input = resolver.resolve(event);
            return record.inputs().stream().filter(i -> i.identity().equals(input.identity())).findFirst().orElse(input);
        } catch (final BadInputException e) {
            return record.inputs().get(0);
        }
    }
}
