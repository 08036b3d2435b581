package dev.mlbatch.stack.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import dev.mlbatch.stack.ml.BatchJobCanceller;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.ml.UnfinishedBatchTasks;
import dev.mlbatch.stack.model.ModelServiceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mlbatch jobs cancel} on the shared stack: a slow SageMaker transform job is cancelled through ML Commons'
 * {@code _cancel}, which reaches the model service's StopTransformJob (the job ends Stopped, the task CANCELLED);
 * an unknown task gives exit 1 with ML Commons' message. {@code --all} is not run here (it would cancel other
 * people's tasks on the shared stack); the selection it uses is checked to contain the running task.
 */
@ExtendWith(LocalStackExtension.class)
class CancelBatchJobIT {

    @Test
    void aRunningSageMakerJobIsStoppedAndAnUnknownTaskIsRefused(LocalStack stack) throws Exception {
        OpenSearchHttp os = new OpenSearchHttp(stack.openSearchUrl());
        BatchJobCanceller canceller = new BatchJobCanceller(os);
        String run = "cancel-" + UUID.randomUUID().toString().substring(0, 8);
        String prefix = run + "/input/";
        try (S3Client s3 = stack.newS3Client()) {
            s3.putObject(p -> p.bucket(stack.bucket()).key(prefix + "part-0001.jsonl"),
                    RequestBody.fromString("{\"_id\":\"d1\",\"text\":\"a text to embed\"}\n", StandardCharsets.UTF_8));
        }
        try {
            // The job waits this long before it reads its input: it is InProgress when cancelled.
            stack.configureModelService(new ModelServiceConfig(1, 8000L, null, null));
            String job = "batch-job-" + run;
            JsonNode created = os.post("/_plugins/_ml/models/" + stack.sageMakerBatchModelId() + "/_batch_predict",
                    Map.of("parameters", Map.of(
                            "TransformJobName", job,
                            "TransformInput", Map.of("ContentType", "application/json", "SplitType", "Line",
                                    "DataSource", Map.of("S3DataSource", Map.of("S3DataType", "S3Prefix",
                                            "S3Uri", "s3://" + stack.bucket() + "/" + prefix))),
                            "TransformOutput", Map.of("AssembleWith", "Line", "Accept", "application/json",
                                    "S3OutputPath", "s3://" + stack.bucket() + "/" + run + "/output/")))).orThrow("batch predict");
            String taskId = created.path("task_id").asText();
            assertTrue(new UnfinishedBatchTasks(os).list().stream().anyMatch(t -> t.id().equals(taskId)),
                    "the running task is among those --all would cancel");

            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            int exit = canceller.run(new BatchJobCanceller.Request(taskId), new PrintStream(printed, true, StandardCharsets.UTF_8));
            String line = printed.toString(StandardCharsets.UTF_8).trim();
            assertEquals(0, exit, line);
            assertTrue(line.startsWith(taskId + "  " + job + "  RUNNING -> "), line);
            assertTrue(line.endsWith("CANCELLING") || line.endsWith("CANCELLED"), line);

            JsonNode task = null;
            long deadline = System.nanoTime() + 40_000_000_000L;
            while (System.nanoTime() < deadline) {
                task = os.get("/_plugins/_ml/tasks/" + taskId).orThrow("read task");
                if (!task.path("state").asText().equals("CANCELLING") && !task.path("state").asText().equals("RUNNING")) {
                    break;
                }
                Thread.sleep(1000);
            }
            assertEquals("CANCELLED", task.path("state").asText(), task.toString());
            // ML Commons' copy of the model service's DescribeTransformJob answer.
            assertEquals("Stopped", task.path("remote_job").path("TransformJobStatus").asText(), task.toString());
            try (S3Client s3 = stack.newS3Client()) {
                assertFalse(s3.listObjectsV2(r -> r.bucket(stack.bucket()).prefix(run + "/output/")).hasContents(),
                        "a stopped job wrote no output");
            }
        } finally {
            stack.resetModelService();
        }

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = canceller.run(new BatchJobCanceller.Request("no-such-task-" + run),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        String line = printed.toString(StandardCharsets.UTF_8).trim();
        assertEquals(1, exit, line);
        assertTrue(line.contains("cancel refused: HTTP 404 Fail to find task"), line);
    }
}
