package dev.mlbatch.stack.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import dev.mlbatch.stack.http.MultipartForm;
import dev.mlbatch.stack.http.PublicLoopbackAddress;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.model.ModelServiceConfig;
import dev.mlbatch.stack.model.StandInClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.mlbatch.stack.model.StandInClient.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * OpenAI and Cohere batch jobs through the real ML Commons: the input uploaded to the stand-in as a client would,
 * {@code _batch_predict} with the models {@code setup} registered, the task polled to COMPLETED (remote_job carrying
 * the output ids), the output read back from the stand-in; and {@code _cancel} taking a slow job to CANCELLED.
 */
@ExtendWith(LocalStackExtension.class)
class OpenAiCohereBatchIT {

    private static final int GOOD = 25;
    private static final Duration TASK_WAIT = Duration.ofMinutes(3);

    private static LocalStack stack;
    private static OpenSearchHttp os;
    private static StandInClient openAi;
    private static StandInClient cohere;
    private static String run;

    @BeforeAll
    static void setUp(LocalStack localStack) {
        stack = localStack;
        os = new OpenSearchHttp(stack.openSearchUrl());
        openAi = new StandInClient(stack.openAiUrl(), stack.openAiApiKey());
        cohere = new StandInClient(stack.cohereUrl(), stack.cohereApiKey());
        stack.resetModelService();
        run = "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterAll
    static void tearDown() {
        stack.resetModelService();
    }

    /** Each test, not the class, is skipped, so that the report names the cause per test. */
    @BeforeEach
    void standInsReachableByMlCommons() {
        // ML Commons refuses http connectors to 127.0.0.1; a stack set up before the stand-ins had their alias (or
        // one that could not add it) cannot run these jobs at all, which is a stack to restart, not a stand-in bug.
        assumeFalse(stack.openAiUrl().startsWith("http://127.0.0.1") || stack.cohereUrl().startsWith("http://127.0.0.1"),
                "the stack's OpenAI/Cohere URLs are on 127.0.0.1, which ML Commons' http connectors refuse ("
                        + stack.openAiUrl() + "): the stack was set up before the stand-ins got the "
                        + PublicLoopbackAddress.ADDRESS + " alias, or could not add it to lo (needs root); "
                        + "`./mlbatch stack down` and up again");
    }

    static String text(int i) {
        String[] items = {"steel bolts", "paper towels", "printer toner", "copper wire", "ceramic tiles"};
        return "Shipment " + i + " contains " + (i % 7 + 1) + " crates of " + items[i % items.length] + ".";
    }

    private static String openAiInput() throws Exception {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i <= GOOD; i++) {
            // Line GOOD has an empty input: a per-request failure, reported in the error file.
            String input = i == GOOD ? "" : text(i);
            content.append(JSON.writeValueAsString(Map.of("custom_id", "doc-" + i, "method", "POST", "url", "/v1/embeddings",
                    "body", Map.of("model", "text-embedding-3-small", "input", input)))).append('\n');
        }
        StandInClient.Answer file = openAi.multipart("/v1/files", List.of(
                new MultipartForm.Part("purpose", null, null, "batch".getBytes(StandardCharsets.UTF_8)),
                new MultipartForm.Part("file", run + ".jsonl", "application/jsonl", content.toString().getBytes(StandardCharsets.UTF_8))));
        assertEquals(200, file.status(), file.text());
        return file.json().path("id").asText();
    }

    private static JsonNode openAiBatchPredict(String fileId, String jobName) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("input_file_id", fileId);
        parameters.put("endpoint", "/v1/embeddings");
        parameters.put("metadata", Map.of("job_name", jobName, "input_uri", "s3://" + stack.bucket() + "/" + run + "/in.jsonl"));
        return os.post("/_plugins/_ml/models/" + stack.openAiBatchModelId() + "/_batch_predict",
                Map.of("parameters", parameters)).orThrow("openai batch predict");
    }

    private static String cohereDataset() throws Exception {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i <= GOOD; i++) {
            content.append(JSON.writeValueAsString(Map.of("id", "doc-" + i, "text", i == GOOD ? " " : text(i)))).append('\n');
        }
        String name = "s3://" + stack.bucket() + "/" + run + "/in.jsonl";
        StandInClient.Answer created = cohere.multipart("/v1/datasets?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                + "&type=embed-input&keep_fields=id", List.of(new MultipartForm.Part("data", "in.jsonl", "application/jsonl",
                content.toString().getBytes(StandardCharsets.UTF_8))));
        assertEquals(200, created.status(), created.text());
        String id = created.json().path("id").asText();
        JsonNode dataset = cohere.await("/v1/datasets/" + id, d -> !Set.of("queued", "processing")
                .contains(d.at("/dataset/validation_status").asText()), Duration.ofSeconds(60));
        assertEquals("validated", dataset.at("/dataset/validation_status").asText(), dataset.toString());
        return id;
    }

    private static JsonNode cohereBatchPredict(String datasetId, String jobName) {
        return os.post("/_plugins/_ml/models/" + stack.cohereBatchModelId() + "/_batch_predict",
                Map.of("parameters", Map.of("dataset_id", datasetId, "name", jobName))).orThrow("cohere batch predict");
    }

    @Test
    void openAiBatchCompletesThroughMlCommons() throws Exception {
        String jobName = run + "-openai";
        JsonNode created = openAiBatchPredict(openAiInput(), jobName);
        assertEquals("CREATED", created.path("status").asText(), created.toString());
        JsonNode remote = created.path("remote_job");
        assertTrue(remote.path("id").asText().startsWith("batch_"), created.toString());
        assertEquals("validating", remote.path("status").asText(), created.toString());
        assertEquals(jobName, remote.at("/metadata/job_name").asText(), "metadata passed through: " + created);

        JsonNode task = awaitState(created.path("task_id").asText(), "COMPLETED");
        JsonNode job = task.path("remote_job");
        assertEquals("completed", job.path("status").asText(), task.toString());
        assertEquals(GOOD + 1, job.at("/request_counts/total").asInt(), task.toString());
        assertEquals(GOOD, job.at("/request_counts/completed").asInt(), task.toString());
        assertEquals(1, job.at("/request_counts/failed").asInt(), task.toString());

        List<JsonNode> output = jsonl(openAi.get("/v1/files/" + job.path("output_file_id").asText() + "/content"));
        assertEquals(GOOD, output.size());
        List<String> ids = new ArrayList<>();
        for (JsonNode line : output) {
            ids.add(line.path("custom_id").asText());
            JsonNode vector = line.at("/response/body/data/0/embedding");
            assertEquals(384, vector.size(), line.path("custom_id").asText());
            assertTrue(vector.get(0).isNumber());
        }
        assertEquals(GOOD, Set.copyOf(ids).size());
        List<JsonNode> errors = jsonl(openAi.get("/v1/files/" + job.path("error_file_id").asText() + "/content"));
        assertEquals(1, errors.size());
        assertEquals("doc-" + GOOD, errors.get(0).path("custom_id").asText());
        assertEquals(400, errors.get(0).at("/response/status_code").asInt());
    }

    @Test
    void cohereEmbedJobCompletesThroughMlCommons() throws Exception {
        String datasetId = cohereDataset();
        String jobName = run + "-cohere";
        JsonNode created = cohereBatchPredict(datasetId, jobName);
        assertEquals("CREATED", created.path("status").asText(), created.toString());
        assertTrue(created.at("/remote_job/job_id").asText().length() > 10, created.toString());

        JsonNode task = awaitState(created.path("task_id").asText(), "COMPLETED");
        JsonNode job = task.path("remote_job");
        assertEquals("complete", job.path("status").asText(), task.toString());
        assertEquals(jobName, job.path("name").asText());
        String outputId = job.path("output_dataset_id").asText();
        JsonNode output = cohere.get("/v1/datasets/" + outputId).json().path("dataset");
        assertEquals("embed-result", output.path("dataset_type").asText(), output.toString());
        List<JsonNode> rows = jsonl(new StandInClient(output.at("/dataset_parts/0/url").asText(), null).get(""));
        assertEquals(GOOD, rows.size(), "the blank row is left out");
        for (int i = 0; i < GOOD; i++) {
            assertEquals("doc-" + i, rows.get(i).path("id").asText());
            assertEquals(text(i), rows.get(i).path("text").asText());
            assertEquals(384, rows.get(i).at("/embeddings/float").size());
        }
    }

    @Test
    void cancelTakesSlowOpenAiAndCohereJobsToCancelled() throws Exception {
        String fileId = openAiInput();
        String datasetId = cohereDataset();
        stack.configureModelService(new ModelServiceConfig(1, 4000L, null, null));
        try {
            String openAiTask = openAiBatchPredict(fileId, run + "-openai-cancel").path("task_id").asText();
            String cohereTask = cohereBatchPredict(datasetId, run + "-cohere-cancel").path("task_id").asText();
            for (String taskId : List.of(openAiTask, cohereTask)) {
                JsonNode answer = os.post("/_plugins/_ml/tasks/" + taskId + "/_cancel", null).orThrow("cancel " + taskId);
                assertEquals("OK", answer.path("status").asText(), answer.toString());
            }
            JsonNode openAiDone = awaitState(openAiTask, "CANCELLED");
            assertEquals("cancelled", openAiDone.at("/remote_job/status").asText(), openAiDone.toString());
            JsonNode cohereDone = awaitState(cohereTask, "CANCELLED");
            assertEquals("cancelled", cohereDone.at("/remote_job/status").asText(), cohereDone.toString());
        } finally {
            stack.resetModelService();
        }
    }

    private static JsonNode awaitState(String taskId, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TASK_WAIT.toNanos();
        JsonNode task = null;
        while (System.nanoTime() < deadline) {
            OpenSearchHttp.Answer answer = os.get("/_plugins/_ml/tasks/" + taskId);
            if (answer.status() == 409) {
                // ML Commons' own poller updated the task document at the same moment: retry.
                Thread.sleep(500);
                continue;
            }
            task = answer.orThrow("get task " + taskId);
            String state = task.path("state").asText();
            if (wanted.equals(state)) {
                return task;
            }
            if (Set.of("COMPLETED", "FAILED", "CANCELLED", "EXPIRED", "UNREACHABLE").contains(state)) {
                fail("task " + taskId + " ended " + state + ", expected " + wanted + ": " + task);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("task " + taskId + " did not reach " + wanted + " in " + TASK_WAIT + "; last " + task);
    }

    private static List<JsonNode> jsonl(StandInClient.Answer answer) throws Exception {
        assertEquals(200, answer.status(), answer.text());
        List<JsonNode> lines = new ArrayList<>();
        for (String l : answer.text().split("\n")) {
            if (!l.isBlank()) {
                lines.add(JSON.readTree(l));
            }
        }
        return lines;
    }
}
