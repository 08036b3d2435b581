package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.support.Events;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.event.Event;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** {@link PendingWorkSubmitter} alone: the job-creation requests' answers come from a mocked {@link BatchJobSubmitter}. */
class PendingWorkSubmitterTest {
    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);
    private static final Duration RETRY_TIME_WINDOW = Duration.ofSeconds(60);

    @TempDir
    Path directory;
    private ActiveWorkFixture f;
    private final BatchJobSubmitter submitter = mock(BatchJobSubmitter.class);
    private final AtomicInteger tasks = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        f = new ActiveWorkFixture(directory);
        when(submitter.serviceLabel()).thenReturn("ML Commons");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private PendingWorkSubmitter submission(final boolean trackJobs, final int maxConcurrentJobs) {
        return new PendingWorkSubmitter(trackJobs, maxConcurrentJobs, Duration.ofSeconds(30), RETRY_INTERVAL, RETRY_TIME_WINDOW,
                submitter, null, f.work, f.downstream, f.metrics, f.clock);
    }

    private void created() {
        when(submitter.submit(any(), anyBoolean())).thenAnswer(call -> new BatchJobSubmitter.Created(
                call.<JobRecord>getArgument(0).submitted("task-" + tasks.incrementAndGet(), f.clock.instant()), false));
    }

    @Test
    void throttlingHoldsEverySubmissionBackOneSecondDoublingUpToRetryIntervalUntilASlotFrees() throws Exception {
        f.pending(Events.object("in", "a.jsonl"));
        when(submitter.submit(any(), anyBoolean())).thenReturn(new BatchJobSubmitter.Throttled(429, "too many batch tasks"));
        final PendingWorkSubmitter submission = submission(true, 0);

        submission.submitPending();
        verify(submitter, times(1)).submit(any(), anyBoolean());
        assertEquals(Duration.ofSeconds(1), submission.backoff());
        submission.submitPending();
        f.clock.advance(Duration.ofMillis(999));
        submission.submitPending();
        verify(submitter, times(1)).submit(any(), anyBoolean());

        int calls = 1;
        for (final Duration expected : List.of(Duration.ofSeconds(2), Duration.ofSeconds(4), RETRY_INTERVAL, RETRY_INTERVAL)) {
            f.clock.advance(submission.backoff());
            submission.submitPending();
            verify(submitter, times(++calls)).submit(any(), anyBoolean());
            assertEquals(expected, submission.backoff());
        }

        submission.slotFreed();
        assertNull(submission.backoff());
        submission.submitPending();
        verify(submitter, times(++calls)).submit(any(), anyBoolean());
        assertEquals(Duration.ofSeconds(1), submission.backoff(), "the back-off starts over after a slot freed");
        assertEquals(calls, (int) f.metrics.batchJobsThrottled().count());
        assertEquals(0.0, f.metrics.batchJobRequestsFailed().count(), "a throttled request is not a failed one");
        assertEquals(1, f.work.size(), "throttled work stays pending");
        assertTrue(f.drained().isEmpty());
    }

    @Test
    void aRefusedRequestIsCountedAsAFailedRequestAndItsWorkDeadLettered() throws Exception {
        final Event event = Events.object("in", "refused.jsonl");
        final WorkItem item = f.pending(event);
        when(submitter.submit(any(), anyBoolean())).thenReturn(new BatchJobSubmitter.Rejected(404, "Failed to find model"));

        submission(true, 0).submitPending();

        assertEquals(1.0, f.metrics.batchJobRequestsFailed().count());
        assertEquals(1.0, f.metrics.batchJobsCreationFailed().count());
        assertEquals(0, f.work.size());
        assertEquals(JobState.DEAD_LETTERED, f.ledger.byWorkKey(item.record.workKey()).orElseThrow().state());
        assertEquals(List.of(event), f.drained());
        assertTrue(event.getMetadata().getTags().contains("ml_failed"));
        assertEquals(1, f.deadLetters.letters.size());
        assertEquals(404, f.deadLetters.letters.get(0).status());
        assertEquals("ML Commons refused job job-refused.jsonl-a1: Failed to find model", f.deadLetters.letters.get(0).message());
    }

    @Test
    void aRequestThatKeepsFailingIsGivenUpAfterRetryTimeWindowAndCountedOnce() throws Exception {
        f.pending(Events.object("in", "down.jsonl"));
        when(submitter.submit(any(), anyBoolean())).thenReturn(new BatchJobSubmitter.Retry(503, "OpenSearch unreachable"));
        final PendingWorkSubmitter submission = submission(true, 0);

        submission.submitPending();
        verify(submitter).submit(any(), anyBoolean());
        // A transient failure makes the next try look the job up first: the request may have reached the service.
        verify(submitter).submit(any(), org.mockito.ArgumentMatchers.eq(false));
        f.clock.advance(Duration.ofSeconds(1));
        submission.submitPending();
        verify(submitter).submit(any(), org.mockito.ArgumentMatchers.eq(true));
        assertEquals(0.0, f.metrics.batchJobRequestsFailed().count(), "not failed while it is still retried");

        f.clock.advance(RETRY_TIME_WINDOW);
        submission.submitPending();

        assertEquals(1.0, f.metrics.batchJobRequestsFailed().count());
        assertEquals(0, f.work.size());
        assertEquals(1, f.deadLetters.letters.size());
        assertEquals(503, f.deadLetters.letters.get(0).status());
        assertTrue(f.deadLetters.letters.get(0).message().startsWith("gave up creating job job-down.jsonl-a1 after retry_time_window PT1M"),
                f.deadLetters.letters.get(0).message());
    }

    @Test
    void workThrottledForTheWholeRetryTimeWindowIsDeadLetteredButNotCountedAsAFailedRequest() throws Exception {
        f.pending(Events.object("in", "throttled.jsonl"));
        when(submitter.submit(any(), anyBoolean())).thenReturn(new BatchJobSubmitter.Throttled(429, "quota"));
        final PendingWorkSubmitter submission = submission(true, 0);

        submission.submitPending();
        f.clock.advance(RETRY_TIME_WINDOW.plusSeconds(1));
        submission.submitPending();

        assertEquals(0, f.work.size());
        assertEquals(429, f.deadLetters.letters.get(0).status());
        assertEquals(0.0, f.metrics.batchJobRequestsFailed().count());
        assertEquals(1.0, f.metrics.batchJobsCreationFailed().count());
    }

    @Test
    void maxConcurrentJobsStopsAtTheLimitAndWithoutTrackJobsEventsGoOnOnceTheirJobExists() throws Exception {
        final Event first = Events.object("in", "one.jsonl");
        f.pending(first);
        f.pending(Events.object("in", "two.jsonl"));
        created();
        final PendingWorkSubmitter submission = submission(false, 1);

        submission.submitPending();
        submission.submitPending();

        verify(submitter, times(1)).submit(any(), anyBoolean());
        assertEquals(1, f.work.outstanding());
        assertEquals(List.of(first), f.drained());
        assertEquals("task-1", first.get("task_id", String.class));
        assertEquals("job-one.jsonl-a1", first.get("job_name", String.class));
        assertNull(first.get("job_state", String.class), "the job has not ended");
        assertEquals(1.0, f.metrics.batchJobsCreationSucceeded().count());
        assertEquals(0.0, f.metrics.batchJobRequestsFailed().count());
    }
}
