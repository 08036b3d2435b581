package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.node.MissingNode;
import dev.mlbatch.plugins.mlinference.client.MlCommonsException;
import dev.mlbatch.plugins.mlinference.client.TaskStatus;
import dev.mlbatch.plugins.mlinference.support.Events;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** {@link JobPoller} alone: task states from a mocked {@link JobTracker}, look-ups by name from a mocked {@link BatchJobSubmitter}. */
class JobPollerTest {
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(30);

    @TempDir
    Path directory;
    private ActiveWorkFixture f;
    private final JobTracker tracker = mock(JobTracker.class);
    private final BatchJobSubmitter submitter = mock(BatchJobSubmitter.class);
    private final Semaphore answers = new Semaphore(0);
    private final List<TaskStatus> ended = new ArrayList<>();
    private JobPoller poller;

    @BeforeEach
    void setUp() throws Exception {
        f = new ActiveWorkFixture(directory);
        when(submitter.serviceLabel()).thenReturn("ML Commons");
        poller = new JobPoller(POLL_INTERVAL, submitter, tracker, f.work, f.clock, answers::release);
    }

    @AfterEach
    void tearDown() {
        poller.close();
        f.close();
    }

    private WorkItem running(final String key) throws Exception {
        final WorkItem item = f.pending(Events.object("in", key));
        item.record = item.record.submitted("task-" + key, f.clock.instant());
        return item;
    }

    private static TaskStatus status(final String taskId, final String state) {
        return new TaskStatus(taskId, state, MissingNode.getInstance(), null, null, null);
    }

    /** Sends the due polls, waits for their answers and hands them over, as the coordinator's tick does. */
    private void pollOnce(final int expectedAnswers) throws InterruptedException {
        poller.pollDue(f.clock.instant());
        assertTrue(answers.tryAcquire(expectedAnswers, 10, TimeUnit.SECONDS), "every poll answered");
        poller.handleAnswers((item, status) -> ended.add(status));
    }

    @Test
    void aRunningJobIsPolledEveryJobPollIntervalAndNotReportedUntilItEnds() throws Exception {
        final WorkItem item = running("a.jsonl");
        when(tracker.poll(any())).thenReturn(status("task-a.jsonl", "RUNNING"));

        pollOnce(1);
        assertTrue(ended.isEmpty());
        assertEquals(POLL_INTERVAL, poller.untilNextPoll(f.clock.instant(), Duration.ofMinutes(5)));
        poller.pollDue(f.clock.instant());
        verify(tracker, times(1)).poll(any());

        f.clock.advance(Duration.ofSeconds(10));
        assertEquals(Duration.ofSeconds(20), poller.untilNextPoll(f.clock.instant(), Duration.ofMinutes(5)));
        assertEquals(Duration.ofSeconds(5), poller.untilNextPoll(f.clock.instant(), Duration.ofSeconds(5)), "never longer than asked");
        f.clock.advance(Duration.ofSeconds(20));
        when(tracker.poll(any())).thenReturn(status("task-a.jsonl", "COMPLETED"));
        pollOnce(1);

        assertEquals(List.of("COMPLETED"), ended.stream().map(TaskStatus::state).toList());
        verify(tracker, times(2)).poll(item.record);
        verify(tracker).forget(item.record);
    }

    @Test
    void aTaskGoneFromTheServiceIsReportedAsUnreachableAndOtherReadFailuresWaitForTheNextPoll() throws Exception {
        running("gone.jsonl");
        when(tracker.poll(any())).thenThrow(new MlCommonsException(503, "unavailable", "try later"));
        pollOnce(1);
        assertTrue(ended.isEmpty(), "a failed read is not an end");

        f.clock.advance(POLL_INTERVAL);
        doThrow(new MlCommonsException(404, "status_exception", "Failed to find task")).when(tracker).poll(any());
        pollOnce(1);

        assertEquals(1, ended.size());
        assertEquals("UNREACHABLE", ended.get(0).state());
        assertTrue(ended.get(0).error().startsWith("the task is gone from ML Commons: "), ended.get(0).error());
    }

    @Test
    void aJobTheProviderNoLongerKnowsIsReportedAsUnreachable() throws Exception {
        running("forgotten.jsonl");
        // The task is still in ML Commons, but its refresh from SageMaker fails: the job is unknown there.
        when(tracker.poll(any())).thenThrow(new MlCommonsException(400, "status_exception",
                "Error from remote service: {\"__type\":\"ValidationException\",\"message\":\"Could not find requested job with name mlb-x-a1\"}"));
        pollOnce(1);

        assertEquals(1, ended.size());
        assertEquals("UNREACHABLE", ended.get(0).state());
        assertTrue(ended.get(0).error().startsWith("the provider no longer knows the job: "), ended.get(0).error());
    }

    @Test
    void aJobWhoseTaskIsNotFoundByNameForThreeMinutesIsReportedAsUnreachableAndNotBefore() throws Exception {
        final WorkItem item = f.pending(Events.object("in", "lost-task.jsonl"));
        // The provider refused a second job with this name, but ML Commons has no task for the first one.
        item.record = item.record.foundByName(null, f.clock.instant());
        when(submitter.findTask(any())).thenReturn(Optional.empty());
        // A number of look-ups is not enough: a Bedrock task gets the job's name only at ML Commons' first refresh.
        final Instant first = f.clock.instant();
        while (f.clock.instant().isBefore(first.plus(JobPoller.NO_TASK_GIVE_UP_AFTER))) {
            pollOnce(1);
            assertTrue(ended.isEmpty(), "not given up after " + Duration.between(first, f.clock.instant()));
            f.clock.advance(POLL_INTERVAL);
        }
        pollOnce(1);

        assertEquals(1, ended.size());
        assertEquals("UNREACHABLE", ended.get(0).state());
        assertTrue(ended.get(0).error().contains("has no task for job " + item.record.jobName()), ended.get(0).error());
    }

    @Test
    void workWithoutATaskIdIsLookedUpByNameAndTheFoundTaskRecordedInTheLedger() throws Exception {
        final WorkItem item = f.pending(Events.object("in", "crashed.jsonl"));
        // As after a crash between the creation of the job and the ledger's record of it: outstanding, no task id.
        item.record = item.record.submitted(null, f.clock.instant());
        when(submitter.findTask(any())).thenReturn(Optional.of("task-found"));

        pollOnce(1);

        assertTrue(ended.isEmpty());
        assertEquals("task-found", item.record.taskId());
        assertTrue(item.record.foundByName());
        assertEquals("task-found", f.ledger.byWorkKey(item.record.workKey()).orElseThrow().taskId());
        verify(tracker, never()).poll(any());
    }

    @Test
    void anAnswerForWorkThatMovedOnMeanwhileIsDropped() throws Exception {
        final WorkItem item = running("moved.jsonl");
        when(tracker.poll(any())).thenReturn(status("task-moved.jsonl", "COMPLETED"));
        poller.pollDue(f.clock.instant());
        assertTrue(answers.tryAcquire(1, 10, TimeUnit.SECONDS));
        // Meanwhile the work got a new attempt (another answer was handled first).
        item.record = item.record.nextAttempt("job-moved.jsonl-a2", "test", f.clock.instant());

        poller.handleAnswers((ignored, status) -> ended.add(status));

        assertTrue(ended.isEmpty());
    }
}
