package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.mlbatch.plugins.mlinference.client.TaskStatus;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import dev.mlbatch.plugins.mlinference.support.Events;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.event.Event;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link JobOutcomes} alone: what follows a job's end, with no service and no repair (JobRepair.none()). */
class JobOutcomesTest {
    private static final String OUTPUT = "s3://out/results";

    @TempDir
    Path directory;
    private ActiveWorkFixture f;
    private final JobNamer namer = new JobNamer(ServiceName.BEDROCK, "model-1", OUTPUT);

    @BeforeEach
    void setUp() throws Exception {
        f = new ActiveWorkFixture(directory);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private JobOutcomes outcomes(final int maxJobAttempts) {
        final ObjectMapper mapper = new ObjectMapper();
        return new JobOutcomes(ServiceName.BEDROCK, true, maxJobAttempts, JobRepair.none(), namer, f.ledger,
                new JobEventFactory(ServiceName.BEDROCK, "model-1", new BatchPredictRequestFactory(mapper, OUTPUT, Map.of())),
                f.work, f.downstream, f.metrics, f.clock);
    }

    private WorkItem running(final Event event) throws Exception {
        final InputObject input = f.resolver.resolve(event);
        final String workKey = namer.workKey(List.of(input));
        assertTrue(f.work.create(JobRecord.pending(workKey, List.of(input), namer.jobName(workKey, 1), f.clock.instant()), List.of(event)));
        final WorkItem item = f.work.get(workKey);
        item.record = item.record.submitted("task-1", f.clock.instant());
        return item;
    }

    private static TaskStatus ended(final String state, final String error) {
        return new TaskStatus("task-1", state, MissingNode.getInstance(), error, null, null);
    }

    private List<Event> jobEvents(final List<Event> out) {
        return out.stream().filter(e -> e.getMetadata().getEventType().equals(JobEventFactory.EVENT_TYPE)).toList();
    }

    @Test
    void aCompletedJobReleasesItsEventsWithItsStateAfterItsJobEventAndLeavesTheActiveWork() throws Exception {
        final Event input = Events.object("in", "done.jsonl");
        final WorkItem item = running(input);
        f.clock.advance(Duration.ofSeconds(42));

        outcomes(3).jobEnded(item, ended("COMPLETED", null));

        final List<Event> out = f.drained();
        assertEquals(2, out.size());
        assertEquals("COMPLETED", jobEvents(out).get(0).get("state", String.class));
        assertEquals(input, out.get(1));
        assertEquals("COMPLETED", input.get("job_state", String.class));
        assertEquals(0, f.work.size());
        assertEquals(JobState.COMPLETED, f.ledger.byWorkKey(item.record.workKey()).orElseThrow().state());
        assertEquals(1.0, f.metrics.batchJobsCompleted().count());
        assertEquals(Duration.ofSeconds(42).toNanos(), (long) f.metrics.batchJobDuration().totalTime(java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    @Test
    void aFailedJobGetsItsNextAttemptUnderTheNextNameUntilMaxJobAttemptsThenTheDlq() throws Exception {
        final Event input = Events.object("in", "fails.jsonl");
        final WorkItem item = running(input);
        final String workKey = item.record.workKey();
        final JobOutcomes outcomes = outcomes(2);

        outcomes.jobEnded(item, ended("FAILED", "provider crashed"));

        assertEquals(2, item.record.attempt());
        assertEquals(namer.jobName(workKey, 2), item.record.jobName());
        assertEquals(JobState.PENDING, f.ledger.byWorkKey(workKey).orElseThrow().state());
        assertEquals(1, f.work.size(), "the work stays for its next attempt");
        List<Event> out = f.drained();
        assertEquals(1, out.size(), "only the job event: the input waits for the next attempt");
        assertEquals(Boolean.TRUE, jobEvents(out).get(0).get("will_retry", Boolean.class));

        item.record = item.record.submitted("task-2", f.clock.instant());
        outcomes.jobEnded(item, ended("FAILED", "provider crashed"));

        assertEquals(0, f.work.size());
        assertEquals(JobState.DEAD_LETTERED, f.ledger.byWorkKey(workKey).orElseThrow().state());
        out = f.drained();
        assertEquals(Boolean.FALSE, jobEvents(out).get(0).get("will_retry", Boolean.class));
        assertTrue(out.contains(input));
        assertTrue(input.getMetadata().getTags().contains("ml_failed"));
        assertEquals(1, f.deadLetters.letters.size());
        assertEquals("job " + namer.jobName(workKey, 2) + " ended FAILED: provider crashed (after 2 attempt(s))",
                f.deadLetters.letters.get(0).message());
        assertEquals(2.0, f.metrics.batchJobsFailed().count());
        assertEquals(1.0, f.metrics.batchJobsResubmitted().count());
        assertEquals(1.0, f.metrics.batchJobsDeadLettered().count());
    }

    @Test
    void aCancelledJobIsNotRetriedButDeadLetteredAtOnce() throws Exception {
        final WorkItem item = running(Events.object("in", "cancelled.jsonl"));

        outcomes(3).jobEnded(item, ended("CANCELLED", null));

        assertEquals(0, f.work.size());
        assertEquals(0.0, f.metrics.batchJobsResubmitted().count());
        assertEquals("job " + item.record.jobName() + " ended CANCELLED", f.deadLetters.letters.get(0).message());
    }
}
