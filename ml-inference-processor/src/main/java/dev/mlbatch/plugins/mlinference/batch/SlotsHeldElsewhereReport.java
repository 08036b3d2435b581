package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.client.BatchTaskSummary;
import dev.mlbatch.plugins.mlinference.client.MlCommonsClient;
import dev.mlbatch.plugins.mlinference.client.MlCommonsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Explains an ML Commons 429 ({@code max_batch_inference_tasks}) that arrives while none of this processor's
 * jobs is outstanding: ML Commons counts CREATED and RUNNING batch tasks of the whole cluster, so other tasks
 * hold every slot. Names them (at most once a minute), because some never free their slot on their own: a task
 * whose model was deleted cannot be read any more, and one whose provider job is gone stays RUNNING until ML
 * Commons' poller has failed to read it ten times (about ten minutes).
 */
public class SlotsHeldElsewhereReport {
    private static final Logger LOG = LoggerFactory.getLogger(SlotsHeldElsewhereReport.class);
    private static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_LISTED = 10;

    private final MlCommonsClient client;
    private final Clock clock;
    private Instant lastReport;

    public SlotsHeldElsewhereReport(final MlCommonsClient client, final Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** Logs the tasks that hold ML Commons' batch slots, unless that was done less than a minute ago. */
    public void throttledWithNoneOfOurs() {
        final Instant now = clock.instant();
        if (lastReport != null && now.isBefore(lastReport.plus(INTERVAL))) {
            return;
        }
        lastReport = now;
        final List<BatchTaskSummary> tasks;
        try {
            tasks = client.unfinishedBatchTasks(MAX_LISTED);
        } catch (final MlCommonsException e) {
            LOG.warn("ML Commons refuses new batch jobs (max_batch_inference_tasks) although none of ours is running; "
                    + "other batch tasks hold the slots (cannot list them: {})", e.getMessage());
            return;
        }
        LOG.warn("ML Commons refuses new batch jobs (max_batch_inference_tasks) although none of ours is running; other CREATED/RUNNING"
                        + " batch tasks hold the slots: {}. A slot frees when ML Commons next reads its task and the job has ended; a task"
                        + " whose model was deleted never frees it.",
                tasks.isEmpty() ? "none listed (they may have ended meanwhile)" : tasks.stream().map(task -> describe(task, now))
                        .collect(Collectors.joining(", ")));
    }

    private static String describe(final BatchTaskSummary task, final Instant now) {
        return task.taskId() + " (model " + task.modelId() + ", " + task.state()
                + (task.lastUpdateTime() == null ? "" : ", last updated " + Duration.between(task.lastUpdateTime(), now).toSeconds() + " s ago") + ")";
    }
}
