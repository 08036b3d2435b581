package dev.mlbatch.stack.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.ml.UnfinishedBatchTasks;
import dev.mlbatch.stack.model.ModelServiceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch tasks ML Commons counts against max_batch_inference_tasks, on the real node: listed while they run,
 * ended by reading them, and marked FAILED (what {@code stack up} does after the model service restarted, and
 * {@code setup} before it deletes a model) so that they stop holding a slot.
 */
@ExtendWith(LocalStackExtension.class)
class UnfinishedBatchTasksIT {
    private LocalStack stack;

    @AfterEach
    void reset() {
        stack.resetModelService();
    }

    @Test
    void aRunningTaskIsListedAndEndsWhenRead(LocalStack localStack) throws Exception {
        stack = localStack;
        OpenSearchHttp os = new OpenSearchHttp(stack.openSearchUrl());
        UnfinishedBatchTasks tasks = new UnfinishedBatchTasks(os);
        String taskId = createBedrockTask(os);
        assertTrue(tasks.list().stream().anyMatch(t -> t.id().equals(taskId)), "listed while it runs");
        List<UnfinishedBatchTasks.Task> left = tasks.refreshUntilEnded(Duration.ofSeconds(60));
        assertTrue(left.stream().noneMatch(t -> t.id().equals(taskId)), "ended once read: " + left);
        assertEquals("COMPLETED", os.get("/_plugins/_ml/tasks/" + taskId).orThrow("read task").path("state").asText());
    }

    @Test
    void aTaskMarkedFailedNoLongerHoldsASlot(LocalStack localStack) throws Exception {
        stack = localStack;
        OpenSearchHttp os = new OpenSearchHttp(stack.openSearchUrl());
        UnfinishedBatchTasks tasks = new UnfinishedBatchTasks(os);
        // Slow state changes: the job is still running when it is marked.
        stack.configureModelService(new ModelServiceConfig(1, 5000L, null, null));
        String taskId = createBedrockTask(os);
        List<UnfinishedBatchTasks.Task> mine = tasks.list().stream().filter(t -> t.id().equals(taskId)).toList();
        assertEquals(1, tasks.fail(mine, "test: this job is gone"));
        assertTrue(tasks.list().stream().noneMatch(t -> t.id().equals(taskId)), "no longer counted");
        JsonNode task = os.get("/.plugins-ml-task/_doc/" + taskId).orThrow("read task document").path("_source");
        assertEquals("FAILED", task.path("state").asText());
        assertEquals("test: this job is gone", task.path("error").asText());
    }

    private String createBedrockTask(OpenSearchHttp os) throws Exception {
        String key = "unfinished-" + UUID.randomUUID().toString().substring(0, 8) + "/input.jsonl";
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            body.append("{\"recordId\":\"R").append(i).append("\",\"modelInput\":{\"inputText\":\"text ").append(i).append("\"}}\n");
        }
        try (S3Client s3 = stack.newS3Client()) {
            s3.putObject(p -> p.bucket(stack.bucket()).key(key), RequestBody.fromString(body.toString()));
        }
        return os.post("/_plugins/_ml/models/" + stack.bedrockBatchModelId() + "/_batch_predict", Map.of("parameters", Map.of(
                        "inputDataConfig", Map.of("s3InputDataConfig", Map.of("s3Uri", "s3://" + stack.bucket() + "/" + key)),
                        "jobName", "unfinished-" + UUID.randomUUID().toString().substring(0, 8),
                        "outputDataConfig", Map.of("s3OutputDataConfig", Map.of("s3Uri", "s3://" + stack.bucket() + "/unfinished-output/")))))
                .orThrow("_batch_predict").path("task_id").asText();
    }
}
