package dev.mlbatch.stack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The whole batch path against the real components: ML Commons {@code _batch_predict} on the real
 * OpenSearch node → the local model service (SigV4-verified) → all-MiniLM-L6-v2 → outputs in the
 * local S3, for a SageMaker and a Bedrock model over 1,000 records each.
 */
@ExtendWith(LocalStackExtension.class)
class BatchPredictIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 1000;

    /** Distinct sentences at known positions; every other record is unrelated filler. */
    private static final Map<Integer, String> PLANTED = Map.of(
            123, "Dark amber urine is often a sign of dehydration.",
            456, "The Manhattan Project built the first atomic bombs during the Second World War.",
            789, "A small kitten is sleeping on the sunny windowsill.");
    private static final Map<String, Integer> QUERIES = Map.of(
            "what color is amber urine", 123,
            "nuclear weapons program in world war two", 456,
            "cat napping by the window", 789);

    private static LocalStack stack;
    private static OpenSearchHttp os;
    private static S3Client s3;
    private static String run;

    @BeforeAll
    static void setUp(LocalStack localStack) {
        stack = localStack;
        os = new OpenSearchHttp(stack.openSearchUrl());
        s3 = stack.newS3Client();
        stack.resetModelService();
        run = "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String text(int i) {
        String planted = PLANTED.get(i);
        if (planted != null) {
            return planted;
        }
        String[] items = {"steel bolts", "paper towels", "printer toner", "copper wire", "ceramic tiles"};
        return "Shipment " + i + " contains " + (i % 17 + 1) + " crates of " + items[i % items.length]
                + " for warehouse " + (char) ('A' + i % 6) + ".";
    }

    @Test
    void sageMakerBatchTransformThroughMlCommons() throws Exception {
        String prefix = run + "/sagemaker/input/";
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < RECORDS; i++) {
            body.append(JSON.writeValueAsString(Map.of("_id", String.format("doc-%04d", i), "text", text(i)))).append('\n');
        }
        put(prefix + "part-0001.jsonl", body.toString());
        String job = "batch-job-" + run + "-sm";
        // The manifest the way Data Prepper's ml_inference processor writes it.
        String manifestKey = prefix + job + "/" + job + ".manifest";
        put(manifestKey, "[\n    {\"prefix\": \"s3://" + stack.bucket() + "/" + prefix + "\"},\n    \"part-0001.jsonl\"\n]");
        String outputPath = "s3://" + stack.bucket() + "/" + run + "/sagemaker/output/" + job;
        Map<String, Object> parameters = Map.of(
                "TransformJobName", job,
                "TransformInput", Map.of("ContentType", "application/json", "SplitType", "Line",
                        "DataSource", Map.of("S3DataSource", Map.of("S3DataType", "ManifestFile",
                                "S3Uri", "s3://" + stack.bucket() + "/" + manifestKey))),
                "TransformOutput", Map.of("AssembleWith", "Line", "Accept", "application/json", "S3OutputPath", outputPath));

        JsonNode created = os.post("/_plugins/_ml/models/" + stack.sageMakerBatchModelId() + "/_batch_predict",
                Map.of("parameters", parameters)).orThrow("batch predict");
        assertEquals("CREATED", created.path("status").asText(), created.toString());
        assertTrue(created.path("remote_job").path("TransformJobArn").asText().endsWith("transform-job/" + job), created.toString());
        JsonNode task = awaitCompleted(created.path("task_id").asText());
        assertEquals("Completed", task.path("remote_job").path("TransformJobStatus").asText());

        List<JsonNode> lines = readLines(run + "/sagemaker/output/" + job + "/part-0001.jsonl.out");
        assertEquals(RECORDS, lines.size());
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            JsonNode line = lines.get(i);
            assertEquals(String.format("doc-%04d", i), line.path("_id").asText(), "order of line " + i);
            assertEquals(text(i), line.path("text").asText());
            vectors.add(checkedVector(line.path("SageMakerOutput"), i));
        }
        checkNearestNeighbours(vectors);

        // A second job with the same name is refused as SageMaker refuses it, and ML Commons passes that on.
        OpenSearchHttp.Answer duplicate = os.post("/_plugins/_ml/models/" + stack.sageMakerBatchModelId() + "/_batch_predict",
                Map.of("parameters", parameters));
        assertEquals(400, duplicate.status(), duplicate.body().toString());
        assertTrue(duplicate.body().toString().contains("ResourceInUse"), duplicate.body().toString());
    }

    @Test
    void bedrockBatchInferenceThroughMlCommons() throws Exception {
        String inputKey = run + "/bedrock/input/part-0001.jsonl";
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < RECORDS; i++) {
            body.append(JSON.writeValueAsString(Map.of("recordId", String.format("REC%08d", i),
                    "modelInput", Map.of("inputText", text(i))))).append('\n');
        }
        put(inputKey, body.toString());
        String job = "batch-job-" + run + "-br";
        String output = "s3://" + stack.bucket() + "/" + run + "/bedrock/output";
        // The parameters the way Data Prepper's ml_inference processor sends them in proxy mode.
        Map<String, Object> parameters = Map.of(
                "inputDataConfig", Map.of("s3InputDataConfig", Map.of("s3Uri", "s3://" + stack.bucket() + "/" + inputKey)),
                "jobName", job,
                "outputDataConfig", Map.of("s3OutputDataConfig", Map.of("s3Uri", output)));

        JsonNode created = os.post("/_plugins/_ml/models/" + stack.bedrockBatchModelId() + "/_batch_predict",
                Map.of("parameters", parameters)).orThrow("batch predict");
        String jobArn = created.path("remote_job").path("jobArn").asText();
        assertTrue(jobArn.matches("arn:aws:bedrock:us-east-1:\\d{12}:model-invocation-job/[a-z0-9]{12}"), created.toString());
        assertEquals(jobArn.replace("/", "%2F"), created.path("remote_job").path("processedJobArn").asText());
        JsonNode task = awaitCompleted(created.path("task_id").asText());
        assertEquals("Completed", task.path("remote_job").path("status").asText());

        String jobId = jobArn.substring(jobArn.lastIndexOf('/') + 1);
        List<JsonNode> lines = readLines(run + "/bedrock/output/" + jobId + "/part-0001.jsonl.out");
        assertEquals(RECORDS, lines.size());
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            JsonNode line = lines.get(i);
            assertEquals(String.format("REC%08d", i), line.path("recordId").asText(), "order of line " + i);
            assertEquals(text(i), line.path("modelInput").path("inputText").asText());
            JsonNode out = line.path("modelOutput");
            assertTrue(out.path("inputTextTokenCount").asInt() > 0);
            assertEquals(out.path("embedding"), out.path("embeddingsByType").path("float"));
            vectors.add(checkedVector(out.path("embedding"), i));
        }
        checkNearestNeighbours(vectors);
        JsonNode manifest = JSON.readTree(get(run + "/bedrock/output/" + jobId + "/manifest.json.out"));
        assertEquals(RECORDS, manifest.path("totalRecordCount").asInt());
        assertEquals(RECORDS, manifest.path("successRecordCount").asInt());
        assertEquals(0, manifest.path("errorRecordCount").asInt());
    }

    @Test
    void maxBatchInferenceTasksIsAdjustableAtRunTime() {
        try {
            JsonNode set = os.put("/_cluster/settings", Map.of("persistent",
                    Map.of("plugins.ml_commons.max_batch_inference_tasks", 2))).orThrow("cluster settings");
            assertEquals("2", set.path("persistent").path("plugins").path("ml_commons").path("max_batch_inference_tasks").asText(),
                    set.toString());
        } finally {
            java.util.Map<String, Object> reset = new java.util.HashMap<>();
            reset.put("plugins.ml_commons.max_batch_inference_tasks", null);
            os.put("/_cluster/settings", Map.of("persistent", reset)).orThrow("reset cluster settings");
        }
    }

    /** Follows the task through GETs (each asks the provider) until COMPLETED. */
    private static JsonNode awaitCompleted(String taskId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        JsonNode task = null;
        while (System.nanoTime() < deadline) {
            OpenSearchHttp.Answer answer = os.get("/_plugins/_ml/tasks/" + taskId);
            if (answer.status() == 409) {
                // ML Commons' own poller updated the task document at the same moment: retry.
                Thread.sleep(500);
                continue;
            }
            task = answer.orThrow("get task");
            String state = task.path("state").asText();
            if ("COMPLETED".equals(state)) {
                return task;
            }
            if (!"RUNNING".equals(state) && !"CREATED".equals(state)) {
                fail("task " + taskId + " ended " + state + ": " + task);
            }
            Thread.sleep(1000);
        }
        fail("task " + taskId + " not COMPLETED after 5 minutes: " + task);
        return null;
    }

    private static float[] checkedVector(JsonNode array, int line) {
        assertTrue(array.isArray(), "line " + line + " has no vector");
        assertEquals(384, array.size(), "dimensions of line " + line);
        float[] v = new float[384];
        double norm = 0;
        for (int d = 0; d < 384; d++) {
            assertTrue(array.get(d).isNumber());
            v[d] = (float) array.get(d).asDouble();
            norm += v[d] * v[d];
        }
        assertEquals(1.0, Math.sqrt(norm), 1e-3, "norm of line " + line);
        return v;
    }

    /** The nearest output to each query (embedded by the model service's real-time path) is the planted sentence. */
    private static void checkNearestNeighbours(List<float[]> vectors) {
        for (Map.Entry<String, Integer> q : QUERIES.entrySet()) {
            JsonNode result = os.post("/_plugins/_ml/_predict/text_embedding/" + stack.sageMakerRealtimeModelId(),
                    Map.of("text_docs", List.of(q.getKey()))).orThrow("embed query");
            JsonNode data = result.path("inference_results").get(0).path("output").get(0).path("data");
            float[] query = new float[384];
            for (int d = 0; d < 384; d++) {
                query[d] = (float) data.get(d).asDouble();
            }
            int best = -1;
            double bestScore = -2;
            for (int i = 0; i < vectors.size(); i++) {
                double dot = 0;
                for (int d = 0; d < 384; d++) {
                    dot += query[d] * vectors.get(i)[d];
                }
                if (dot > bestScore) {
                    bestScore = dot;
                    best = i;
                }
            }
            assertEquals(q.getValue(), best, "nearest neighbour of '" + q.getKey() + "' (score " + bestScore + ")");
        }
    }

    private static void put(String key, String body) {
        s3.putObject(r -> r.bucket(stack.bucket()).key(key), RequestBody.fromString(body, StandardCharsets.UTF_8));
    }

    private static String get(String key) {
        return s3.getObjectAsBytes(r -> r.bucket(stack.bucket()).key(key)).asUtf8String();
    }

    private static List<JsonNode> readLines(String key) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : get(key).split("\n")) {
            if (!line.isEmpty()) {
                out.add(JSON.readTree(line));
            }
        }
        assertNotNull(out);
        return out;
    }
}
