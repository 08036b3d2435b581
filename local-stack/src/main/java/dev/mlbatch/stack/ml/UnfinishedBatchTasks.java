package dev.mlbatch.stack.ml;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ML Commons' batch-predict tasks that have not ended (state CREATED or RUNNING). ML Commons counts them
 * cluster-wide against {@code plugins.ml_commons.max_batch_inference_tasks} and frees a slot only when a
 * task's document changes state, which happens when the task is read ({@code GET /_plugins/_ml/tasks/{id}},
 * or ML Commons' own poller once a minute) and the provider reports an end.
 *
 * <p>Two kinds of task can never get there on the local stack, and so would hold their slots for good:
 * tasks whose job the model service has forgotten (it keeps OpenAI and Cohere jobs in memory; ML Commons' poller
 * gives up on those only after 11 failed minutes), and tasks whose model {@code setup} deleted (every read then fails
 * with "Failed to retrieve the ML model", and ML Commons never gives up). The stack marks such tasks
 * {@code FAILED} with a reason, by writing the task document directly: ML Commons offers no API for it
 * (cancel and delete both need a live model and job), and the local node has no security plugin guarding
 * its system indices.
 */
public final class UnfinishedBatchTasks {

    private static final Logger LOG = LoggerFactory.getLogger(UnfinishedBatchTasks.class);
    private static final String TASK_INDEX = ".plugins-ml-task";
    private static final int READS_BEFORE_UNREADABLE = 6;

    /** One unfinished task. */
    public record Task(String id, String modelId, String state) {
    }

    private final OpenSearchHttp os;

    public UnfinishedBatchTasks(OpenSearchHttp os) {
        this.os = os;
    }

    /** The CREATED and RUNNING batch-predict tasks, as the task index has them now. */
    public List<Task> list() {
        OpenSearchHttp.Answer answer = os.post("/_plugins/_ml/tasks/_search", Map.of(
                "size", 1000,
                "_source", List.of("model_id", "state"),
                "query", Map.of("bool", Map.of("filter", List.of(
                        Map.of("term", Map.of("task_type", "BATCH_PREDICTION")),
                        Map.of("terms", Map.of("state", List.of("CREATED", "RUNNING"))))))));
        List<Task> tasks = new ArrayList<>();
        if (!answer.ok()) {
            return tasks; // no task index yet: no task
        }
        for (JsonNode hit : answer.body().path("hits").path("hits")) {
            tasks.add(new Task(hit.path("_id").asText(), hit.path("_source").path("model_id").asText(),
                    hit.path("_source").path("state").asText()));
        }
        return tasks;
    }

    /**
     * Reads every unfinished task (which makes ML Commons ask the provider) until none is left, none of those
     * left can be read any more (their model or job is gone: they will not end), or {@code timeout} has passed;
     * returns those still unfinished then.
     */
    public List<Task> refreshUntilEnded(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean anyAlive = false;
            for (Task task : list()) {
                anyAlive |= answers(read(task));
            }
            List<Task> left = list();
            if (left.isEmpty() || !anyAlive || System.nanoTime() > deadline) {
                return left;
            }
            Thread.sleep(1000);
        }
    }

    /**
     * Marks FAILED, with {@code reason}, the unfinished tasks that cannot be read now: their job is unknown to the
     * provider (an OpenAI or Cohere job of a model service that restarted) or their model is gone. Tasks that read
     * (the restarted service still has their SageMaker or Bedrock job) stay as they are. Returns how many.
     */
    public int failUnreadable(String reason) throws InterruptedException {
        List<Task> unreadable = new ArrayList<>();
        for (Task task : list()) {
            if (!readable(task)) {
                unreadable.add(task);
            }
        }
        return fail(unreadable, reason);
    }

    /**
     * Whether one of a few reads, 2 s apart, answers: a node started moments ago fails reads until ML Commons has
     * fetched its master key ("Fetching master key timed out"), which says nothing about the task's job.
     */
    private boolean readable(Task task) throws InterruptedException {
        for (int attempt = 1; attempt <= READS_BEFORE_UNREADABLE; attempt++) {
            OpenSearchHttp.Answer read = read(task);
            if (answers(read)) {
                return true;
            }
            LOG.info("batch task {}: read {} of {} failed: HTTP {}", task.id(), attempt, READS_BEFORE_UNREADABLE, read.status());
            if (attempt < READS_BEFORE_UNREADABLE) {
                Thread.sleep(2000);
            }
        }
        return false;
    }

    /** Reads the task through ML Commons, which makes it ask the provider for the job's state. */
    private OpenSearchHttp.Answer read(Task task) {
        return os.get("/_plugins/_ml/tasks/" + task.id());
    }

    /** 409: ML Commons' own poller was updating the task at that moment; it is alive. */
    private static boolean answers(OpenSearchHttp.Answer read) {
        return read.ok() || read.status() == 409;
    }

    /** Marks the unfinished tasks of these models FAILED with {@code reason}; returns how many. */
    public int failOfModels(Set<String> modelIds, String reason) {
        return fail(list().stream().filter(task -> modelIds.contains(task.modelId())).toList(), reason);
    }

    /** Marks these tasks FAILED with {@code reason}; returns how many. */
    public int fail(List<Task> tasks, String reason) {
        int failed = 0;
        for (Task task : tasks) {
            OpenSearchHttp.Answer answer = os.post("/" + TASK_INDEX + "/_update/" + task.id() + "?refresh=true",
                    Map.of("doc", Map.of("state", "FAILED", "error", reason, "last_update_time", System.currentTimeMillis())));
            if (answer.ok()) {
                failed++;
            } else {
                LOG.warn("could not mark batch task {} FAILED: HTTP {} {}", task.id(), answer.status(), answer.body());
            }
        }
        if (failed > 0) {
            LOG.info("marked {} unfinished batch task(s) FAILED: {}", failed, reason);
        }
        return failed;
    }
}
