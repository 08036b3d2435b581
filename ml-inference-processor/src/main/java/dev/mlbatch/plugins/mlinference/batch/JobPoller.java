package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.node.MissingNode;
import dev.mlbatch.plugins.mlinference.client.MlCommonsException;
import dev.mlbatch.plugins.mlinference.client.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Polls the running jobs, each exactly every job_poll_interval, on poll threads of its own (each GET makes ML
 * Commons ask the provider, which takes a while). A job without a task id yet (a crash between creation and
 * the ledger) is looked up by name instead. Answers wait in a queue for the coordinator's thread
 * ({@link #handleAnswers}), which hands each job that ended — or whose task is gone — to an {@link EndListener}.
 */
final class JobPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobPoller.class);

    /** Told of each job that ended, on the coordinator's thread. */
    interface EndListener {
        void jobEnded(WorkItem item, TaskStatus status);
    }

    /** One poll's outcome: a status, a failure, or (no task id yet) nothing but a look-up. */
    private record Polled(WorkItem item, JobRecord record, TaskStatus status, MlCommonsException failure, String foundTaskId) {
    }

    /**
     * How long look-ups by name may find no task before a job is given up as lost: the provider has the job (it
     * refused a second one with its name) but ML Commons kept no task for it, as when OpenSearch died between the
     * provider's answer and the task's write; nothing would ever end it, so its input goes to the next attempt.
     * Not shorter: a Bedrock task carries only the job's ARN until ML Commons first refreshes it (its own poller, once
     * a minute), so a task created moments before a crash is found by name only after up to a minute. A count of
     * look-ups (5, i.e. 1.5 s at a 300 ms poll interval) paid such jobs twice.
     */
    static final Duration NO_TASK_GIVE_UP_AFTER = Duration.ofMinutes(3);

    private final Duration pollInterval;
    private final BatchJobSubmitter submitter;
    private final JobTracker tracker;
    private final ActiveWork work;
    private final Clock clock;
    private final Runnable wakeUp;
    private final ConcurrentLinkedQueue<Polled> polled = new ConcurrentLinkedQueue<>();
    private final ExecutorService pollers = Executors.newFixedThreadPool(4, runnable -> {
        final Thread thread = new Thread(runnable, "ml-inference-poll");
        thread.setDaemon(true);
        return thread;
    });

    /** @param wakeUp called on a poll thread when an answer is in, so the coordinator need not wait for its turn */
    JobPoller(final Duration pollInterval, final BatchJobSubmitter submitter, final JobTracker tracker, final ActiveWork work,
              final Clock clock, final Runnable wakeUp) {
        this.pollInterval = pollInterval;
        this.submitter = submitter;
        this.tracker = tracker;
        this.work = work;
        this.clock = clock;
        this.wakeUp = wakeUp;
    }

    /** How long until the next poll is due, at most {@code max}. */
    Duration untilNextPoll(final Instant now, final Duration max) {
        Duration wait = max;
        for (final WorkItem item : work.items()) {
            if (item.record.isOutstanding() && !item.pollInFlight) {
                final Duration untilDue = Duration.between(now, item.nextPollAt);
                if (untilDue.compareTo(wait) < 0) {
                    wait = untilDue.isNegative() ? Duration.ZERO : untilDue;
                }
            }
        }
        return wait;
    }

    /** Sends the polls that are due; an answer wakes the coordinator at once, so a finished job frees its slot without waiting for a tick. */
    void pollDue(final Instant now) {
        for (final WorkItem item : work.items()) {
            if (item.record.isOutstanding() && !item.pollInFlight && !now.isBefore(item.nextPollAt)) {
                item.pollInFlight = true;
                item.nextPollAt = now.plus(pollInterval);
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

    /** Handles the answers that came in: a task found by name is recorded; an ended job (or a gone task) goes to {@code ended}. */
    void handleAnswers(final EndListener ended) {
        Polled answer;
        while ((answer = polled.poll()) != null) {
            answer.item().pollInFlight = false;
            handle(answer, ended);
        }
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

    private void handle(final Polled polled, final EndListener ended) {
        final WorkItem item = polled.item();
        if (item.record != polled.record() || !work.contains(item.record.workKey())) {
            return; // the work moved on meanwhile
        }
        if (polled.record().taskId() == null) {
            if (polled.foundTaskId() != null) {
                item.noTaskSince = null;
                item.record = item.record.foundByName(polled.foundTaskId(),
                        item.record.submittedAt() == null ? clock.instant() : item.record.submittedAt());
                work.save(item.record);
                LOG.info("Job {}: found its task {}", item.record.jobName(), polled.foundTaskId());
            } else if (polled.failure() == null) {
                final Instant now = clock.instant();
                if (item.noTaskSince == null) {
                    item.noTaskSince = now;
                } else if (!now.isBefore(item.noTaskSince.plus(NO_TASK_GIVE_UP_AFTER))) {
                    final Duration searched = Duration.between(item.noTaskSince, now);
                    item.noTaskSince = null;
                    ended.jobEnded(item, new TaskStatus(null, "UNREACHABLE", MissingNode.getInstance(), submitter.serviceLabel()
                            + " has no task for job " + item.record.jobName() + " after " + searched.toSeconds()
                            + " s of look-ups by name (the answer to its creation was lost)", null, null));
                }
            }
            return;
        }
        if (polled.failure() != null) {
            if (FailureClassifier.jobIsGone(polled.failure())) {
                tracker.forget(item.record);
                final String where = polled.failure().status() == 404 ? "the task is gone from " + submitter.serviceLabel()
                        : "the provider no longer knows the job";
                ended.jobEnded(item, new TaskStatus(item.record.taskId(), "UNREACHABLE", MissingNode.getInstance(),
                        where + ": " + polled.failure().reason(), null, null));
            }
            return;
        }
        if (polled.status().isTerminal()) {
            tracker.forget(item.record);
            ended.jobEnded(item, polled.status());
        }
    }

    /** Stops the poll threads. */
    @Override
    public void close() {
        pollers.shutdownNow();
    }
}
