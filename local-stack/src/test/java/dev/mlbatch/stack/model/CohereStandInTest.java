package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.http.MultipartForm;
import dev.mlbatch.stack.model.ModelServiceConfig.FaultRule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.mlbatch.stack.model.StandInClient.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Cohere stand-in through HTTP, in process, with the real MiniLM model: datasets (validation, keep_fields, part
 * download), embed jobs (states, output dataset, blank rows left out, cancel), the bearer key and faults.
 */
class CohereStandInTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static ModelService service;
    private static MiniLmModel model;
    private static StandInClient cohere;

    @BeforeAll
    static void start() throws Exception {
        service = new ModelService(0, "http://127.0.0.1:9", model = new MiniLmModel(), ModelServiceConfig.defaults());
        cohere = new StandInClient(service.url() + "/cohere", LocalCredentials.COHERE_API_KEY);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @BeforeEach
    void reset() {
        service.configure(ModelServiceConfig.defaults());
    }

    static String row(String id, String text) throws Exception {
        return JSON.writeValueAsString(Map.of("id", id, "text", text, "dropped", "not kept"));
    }

    static StandInClient.Answer uploadRaw(String name, String keepFields, String content) throws Exception {
        String query = "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&type=embed-input"
                + (keepFields == null ? "" : "&keep_fields=" + keepFields);
        return cohere.multipart("/v1/datasets" + query, List.of(
                new MultipartForm.Part("data", "rows.jsonl", "application/octet-stream", content.getBytes(StandardCharsets.UTF_8))));
    }

    static JsonNode validated(String name, String content) throws Exception {
        StandInClient.Answer a = uploadRaw(name, "id", content);
        assertEquals(200, a.status(), a.text());
        String id = a.json().path("id").asText();
        JsonNode d = cohere.await("/v1/datasets/" + id, j -> !List.of("queued", "processing")
                .contains(j.at("/dataset/validation_status").asText()), WAIT).path("dataset");
        assertEquals("validated", d.path("validation_status").asText(), d.toString());
        return d;
    }

    static List<JsonNode> download(String url) throws Exception {
        StandInClient.Answer a = new StandInClient(url, null).get("");
        assertEquals(200, a.status(), a.text());
        List<JsonNode> rows = new ArrayList<>();
        for (String l : a.text().split("\n")) {
            if (!l.isBlank()) {
                rows.add(JSON.readTree(l));
            }
        }
        return rows;
    }

    static String startJob(String datasetId, String name) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", "embed-english-v3.0");
        body.put("dataset_id", datasetId);
        body.put("input_type", "search_document");
        body.put("name", name);
        body.put("embedding_types", List.of("float"));
        body.put("truncate", "END");
        StandInClient.Answer a = cohere.post("/v1/embed-jobs", body);
        assertEquals(200, a.status(), a.text());
        assertEquals("1", a.json().at("/meta/api_version/version").asText());
        return a.json().path("job_id").asText();
    }

    static JsonNode awaitJob(String jobId) throws Exception {
        return cohere.await("/v1/embed-jobs/" + jobId, j -> !List.of("processing", "cancelling")
                .contains(j.path("status").asText()), WAIT);
    }

    @Test
    void anEmbedJobWritesAnEmbedResultDatasetWithOneVectorPerNonBlankRow() throws Exception {
        String content = String.join("\n", row("d1", "Dark amber urine is often a sign of dehydration."),
                row("d2", ""), row("d3", "A small kitten is sleeping on the sunny windowsill."), row("d4", "hello")) + "\n";
        JsonNode input = validated("s3://mlbatch/in/part-1.jsonl", content);
        assertEquals("s3://mlbatch/in/part-1.jsonl", input.path("name").asText());
        assertEquals("embed-input", input.path("dataset_type").asText());
        assertTrue(input.path("id").asText().matches("[a-z0-9-]+-[a-z0-9]{6}"), input.toString());
        assertEquals("id", input.at("/preserve_fields/0").asText());
        assertEquals(1, input.path("validation_warnings").size(), input.toString());
        assertTrue(input.at("/validation_warnings/0").asText().contains("line 2"), input.toString());
        JsonNode part = input.at("/dataset_parts/0");
        assertEquals(4, part.path("num_rows").asInt());
        List<JsonNode> inputRows = download(part.path("url").asText());
        assertEquals(4, inputRows.size());
        assertEquals(Map.of("id", "d1", "text", "Dark amber urine is often a sign of dehydration."),
                JSON.convertValue(inputRows.get(0), Map.class), "only text and keep_fields are kept");

        String jobId = startJob(input.path("id").asText(), "job-one");
        JsonNode processing = cohere.get("/v1/embed-jobs/" + jobId).json();
        assertEquals("job-one", processing.path("name").asText());
        assertEquals(input.path("id").asText(), processing.path("input_dataset_id").asText());
        assertEquals("embed-english-v3.0", processing.path("model").asText());
        assertEquals("END", processing.path("truncate").asText());
        JsonNode done = awaitJob(jobId);
        assertEquals("complete", done.path("status").asText(), done.toString());

        JsonNode output = cohere.get("/v1/datasets/" + done.path("output_dataset_id").asText()).json().path("dataset");
        assertEquals("embed-result", output.path("dataset_type").asText());
        assertEquals("validated", output.path("validation_status").asText());
        List<JsonNode> rows = download(output.at("/dataset_parts/0/url").asText());
        assertEquals(List.of("d1", "d3", "d4"), rows.stream().map(r -> r.path("id").asText()).toList(), "blank row d2 left out");
        JsonNode first = rows.get(0);
        assertEquals("Dark amber urine is often a sign of dehydration.", first.path("text").asText());
        assertEquals(MiniLmModel.DIMENSIONS, first.at("/embeddings/float").size());
        float[] expected = model.embed(first.path("text").asText()).vector();
        float[] got = new float[expected.length];
        for (int i = 0; i < got.length; i++) {
            got[i] = first.at("/embeddings/float").get(i).floatValue();
        }
        assertArrayEquals(expected, got, 1e-6f);
        assertFalse(first.has("dropped"));

        JsonNode list = cohere.get("/v1/embed-jobs").json().path("embed_jobs");
        assertTrue(list.toString().contains(jobId), list.toString());
    }

    @Test
    void aDatasetLackingAKeepFieldFailsValidationAndCannotBeEmbedded() throws Exception {
        StandInClient.Answer a = uploadRaw("missing-id", "id", row("x", "fine") + "\n{\"text\":\"no id here\"}\n");
        String id = a.json().path("id").asText();
        JsonNode d = cohere.await("/v1/datasets/" + id, j -> j.at("/dataset/validation_status").asText().equals("failed"), WAIT)
                .path("dataset");
        assertTrue(d.path("validation_error").asText().contains("line 2"), d.toString());
        assertEquals(0, d.path("dataset_parts").size());
        StandInClient.Answer job = cohere.post("/v1/embed-jobs", Map.of("model", "embed-english-v3.0", "dataset_id", id,
                "input_type", "search_document"));
        assertEquals(400, job.status(), job.text());

        StandInClient.Answer notJson = uploadRaw("bad", null, "{\"text\":\"a\"}\nnot json\n");
        JsonNode bad = cohere.await("/v1/datasets/" + notJson.json().path("id").asText(),
                j -> j.at("/dataset/validation_status").asText().equals("failed"), WAIT);
        assertTrue(bad.at("/dataset/validation_error").asText().contains("line 2"), bad.toString());
        assertEquals(404, cohere.post("/v1/embed-jobs", Map.of("model", "embed-english-v3.0", "dataset_id", "nope-000000",
                "input_type", "search_document")).status());
        assertEquals(400, cohere.post("/v1/embed-jobs", Map.of("model", "command-r", "dataset_id", "nope-000000",
                "input_type", "search_document")).status());
    }

    @Test
    void cancelGoesThroughCancellingToCancelledWithoutOutput() throws Exception {
        String datasetId = validated("slow", row("a", "one") + "\n" + row("b", "two") + "\n").path("id").asText();
        service.configure(new ModelServiceConfig(1, 1500L, null, List.of()));
        String jobId = startJob(datasetId, "to-cancel");
        StandInClient.Answer cancel = cohere.post("/v1/embed-jobs/" + jobId + "/cancel", null);
        assertEquals(200, cancel.status(), cancel.text());
        assertEquals("cancelling", cohere.get("/v1/embed-jobs/" + jobId).json().path("status").asText());
        JsonNode ended = awaitJob(jobId);
        assertEquals("cancelled", ended.path("status").asText(), ended.toString());
        assertFalse(ended.has("output_dataset_id"));
        assertEquals(400, cohere.post("/v1/embed-jobs/" + jobId + "/cancel", null).status());
    }

    @Test
    void aMissingOrWrongKeyIsRefusedButAPartUrlNeedsNone() throws Exception {
        StandInClient.Answer none = cohere.withKey(null).get("/v1/embed-jobs");
        assertEquals(401, none.status());
        StandInClient.Answer wrong = cohere.withKey("wrong-key").get("/v1/embed-jobs");
        assertEquals(401, wrong.status());
        assertEquals("invalid api token", wrong.json().path("message").asText());
        assertFalse(wrong.text().contains("wrong-key"));
        assertEquals(401, cohere.withKey("wrong-key").get("/v1/datasets/whatever").status());
        assertEquals(404, cohere.withKey(null).get("/v1/datasets/whatever-000000/parts/0").status(), "not found, not refused");
    }

    @Test
    void faultRulesFailAJobOrThrottleACall() throws Exception {
        String datasetId = validated("fault", row("a", "one") + "\n").path("id").asText();
        service.configure(new ModelServiceConfig(1, 0L, null, List.of(
                new FaultRule("fail", "cohere", "^doomed$", null, 1, "boom"),
                new FaultRule("throttle", "cohere", null, "GetEmbedJob", 1, null))));
        String jobId = startJob(datasetId, "doomed");
        assertEquals(429, cohere.get("/v1/embed-jobs/" + jobId).status());
        assertEquals("failed", awaitJob(jobId).path("status").asText());
    }

    @Test
    void realTimeEmbedAnswersCohereV1Shapes() throws Exception {
        StandInClient.Answer floats = cohere.post("/v1/embed", Map.of("texts", List.of("hello", "world"),
                "model", "embed-english-v3.0", "input_type", "search_query"));
        assertEquals(200, floats.status(), floats.text());
        assertEquals(2, floats.json().path("embeddings").size());
        assertEquals(MiniLmModel.DIMENSIONS, floats.json().at("/embeddings/0").size());
        StandInClient.Answer byType = cohere.post("/v1/embed", Map.of("texts", List.of("hello"),
                "model", "embed-english-v3.0", "input_type", "search_query", "embedding_types", List.of("float")));
        assertEquals(MiniLmModel.DIMENSIONS, byType.json().at("/embeddings/float/0").size());
    }
}
