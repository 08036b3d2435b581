package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.EventFailureHandler;
import dev.mlbatch.plugins.mlinference.EventFailureHandler.Failure;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The records ready to go downstream: filled on the coordinator's thread, drained by pipeline workers.
 * Input events leave with their job's name (and task, and final state), failures tagged and dead-lettered.
 */
final class Downstream {
    private final ConcurrentLinkedQueue<Record<Event>> ready = new ConcurrentLinkedQueue<>();
    private final EventFailureHandler failures;

    Downstream(final EventFailureHandler failures) {
        this.failures = failures;
    }

    /** An event that is not ours to hold (not an input, or a job event). */
    void pass(final Event event) {
        ready.add(new Record<>(event));
    }

    /** An input event released by its job; {@code finalState} null while the job still runs (no track_jobs). */
    void input(final Event event, final JobRecord record, final String finalState) {
        if (record.taskId() != null) {
            event.put("task_id", record.taskId());
        }
        event.put("job_name", record.jobName());
        if (finalState != null) {
            event.put("job_state", finalState);
        }
        ready.add(new Record<>(event));
    }

    void failures(final List<Failure> failed) {
        ready.addAll(failures.handle(failed));
    }

    List<Record<Event>> drain() {
        final List<Record<Event>> out = new ArrayList<>();
        Record<Event> record;
        while ((record = ready.poll()) != null) {
            out.add(record);
        }
        return out;
    }

    boolean isEmpty() {
        return ready.isEmpty();
    }
}
