package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.http.MultipartForm;
import dev.mlbatch.stack.model.ModelServiceConfig.FaultRule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.mlbatch.stack.model.StandInClient.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAI stand-in through HTTP, in process, with the real MiniLM model: Files and Batch API shapes, the state
 * progression, cancel, the bearer key, validation failures and per-request failures.
 */
class OpenAiStandInTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path filesDir;
    private static ModelService service;
    private static MiniLmModel model;
    private static StandInClient openAi;

    @BeforeAll
    static void start() throws Exception {
        // The S3 endpoint is never called by the OpenAI routes.
        service = new ModelService(0, "http://127.0.0.1:9", model = new MiniLmModel(), ModelServiceConfig.defaults(), filesDir);
        openAi = new StandInClient(service.url() + "/openai", LocalCredentials.OPENAI_API_KEY);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @BeforeEach
    void reset() {
        service.configure(ModelServiceConfig.defaults());
    }

    static String line(String customId, Object input) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", "text-embedding-3-small");
        body.put("input", input);
        return JSON.writeValueAsString(Map.of("custom_id", customId, "method", "POST", "url", "/v1/embeddings", "body", body));
    }

    static String upload(String filename, String content) throws Exception {
        StandInClient.Answer a = openAi.multipart("/v1/files", List.of(
                new MultipartForm.Part("purpose", null, null, "batch".getBytes(StandardCharsets.UTF_8)),
                new MultipartForm.Part("file", filename, "application/jsonl", content.getBytes(StandardCharsets.UTF_8))));
        assertEquals(200, a.status(), a.text());
        assertEquals("file", a.json().path("object").asText());
        assertEquals("batch", a.json().path("purpose").asText());
        assertEquals(filename, a.json().path("filename").asText());
        assertEquals(content.getBytes(StandardCharsets.UTF_8).length, a.json().path("bytes").asLong());
        assertTrue(a.json().path("id").asText().matches("file-[A-Za-z0-9]{24}"), a.text());
        return a.json().path("id").asText();
    }

    static JsonNode create(String fileId, Map<String, String> metadata) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("input_file_id", fileId);
        body.put("endpoint", "/v1/embeddings");
        body.put("completion_window", "24h");
        body.put("metadata", metadata);
        StandInClient.Answer a = openAi.post("/v1/batches", body);
        assertEquals(200, a.status(), a.text());
        return a.json();
    }

    static JsonNode awaitStatus(String batchId, String... statuses) throws Exception {
        Set<String> wanted = Set.of(statuses);
        return openAi.await("/v1/batches/" + batchId, b -> wanted.contains(b.path("status").asText()), WAIT);
    }

    static List<JsonNode> content(String fileId) throws Exception {
        StandInClient.Answer a = openAi.get("/v1/files/" + fileId + "/content");
        assertEquals(200, a.status(), a.text());
        List<JsonNode> lines = new ArrayList<>();
        for (String l : a.text().split("\n")) {
            if (!l.isBlank()) {
                lines.add(JSON.readTree(l));
            }
        }
        return lines;
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).floatValue();
        }
        return out;
    }

    @Test
    void aBatchEmbedsEveryGoodLineAndReportsTheEmptyOneInTheErrorFile() throws Exception {
        String content = String.join("\n", line("doc-1", "Dark amber urine is often a sign of dehydration."),
                line("doc-2", ""), line("doc-3", List.of("first text", "second text"))) + "\n";
        String fileId = upload("input.jsonl", content);
        assertEquals("input.jsonl", openAi.get("/v1/files/" + fileId).json().path("filename").asText());
        assertEquals(content, openAi.get("/v1/files/" + fileId + "/content").text());

        JsonNode created = create(fileId, Map.of("job_name", "job-abc", "input_uri", "s3://bkt/in/a.jsonl"));
        assertEquals("batch", created.path("object").asText());
        assertEquals("validating", created.path("status").asText());
        assertTrue(created.path("id").asText().matches("batch_[0-9a-f]{32}"), created.toString());
        assertEquals("job-abc", created.path("metadata").path("job_name").asText());
        assertEquals("s3://bkt/in/a.jsonl", created.path("metadata").path("input_uri").asText());
        assertEquals(created.path("created_at").asLong() + 86400, created.path("expires_at").asLong());
        assertTrue(created.path("output_file_id").isNull() && created.path("errors").isNull(), created.toString());

        JsonNode done = awaitStatus(created.path("id").asText(), "completed", "failed");
        assertEquals("completed", done.path("status").asText(), done.toString());
        assertEquals(3, done.path("request_counts").path("total").asInt());
        assertEquals(2, done.path("request_counts").path("completed").asInt());
        assertEquals(1, done.path("request_counts").path("failed").asInt());
        assertEquals("text-embedding-3-small", done.path("model").asText());
        for (String at : List.of("in_progress_at", "finalizing_at", "completed_at")) {
            assertTrue(done.path(at).asLong() >= done.path("created_at").asLong(), at + " in " + done);
        }
        assertTrue(done.path("failed_at").isNull() && done.path("cancelled_at").isNull(), done.toString());

        List<JsonNode> output = content(done.path("output_file_id").asText());
        assertEquals(2, output.size());
        JsonNode first = output.get(0);
        assertEquals("doc-1", first.path("custom_id").asText());
        assertTrue(first.path("id").asText().startsWith("batch_req_"), first.toString());
        assertTrue(first.path("error").isNull());
        assertEquals(200, first.at("/response/status_code").asInt());
        assertFalse(first.at("/response/request_id").asText().isEmpty());
        JsonNode body = first.at("/response/body");
        assertEquals("list", body.path("object").asText());
        assertEquals("embedding", body.at("/data/0/object").asText());
        assertEquals(0, body.at("/data/0/index").asInt());
        assertEquals(MiniLmModel.DIMENSIONS, body.at("/data/0/embedding").size());
        assertArrayEquals(model.embed("Dark amber urine is often a sign of dehydration.").vector(),
                floats(body.at("/data/0/embedding")), 1e-6f);
        assertTrue(body.at("/usage/prompt_tokens").asInt() > 0);
        JsonNode multi = output.get(1);
        assertEquals("doc-3", multi.path("custom_id").asText());
        assertEquals(2, multi.at("/response/body/data").size());
        assertEquals(1, multi.at("/response/body/data/1/index").asInt());
        assertArrayEquals(model.embed("second text").vector(), floats(multi.at("/response/body/data/1/embedding")), 1e-6f);

        List<JsonNode> errors = content(done.path("error_file_id").asText());
        assertEquals(1, errors.size());
        assertEquals("doc-2", errors.get(0).path("custom_id").asText());
        assertEquals(400, errors.get(0).at("/response/status_code").asInt());
        assertEquals("invalid_request_error", errors.get(0).at("/response/body/error/type").asText());
        assertTrue(errors.get(0).at("/response/body/error/message").asText().contains("empty"), errors.get(0).toString());
        assertTrue(errors.get(0).path("error").isNull());

        JsonNode outputFile = openAi.get("/v1/files/" + done.path("output_file_id").asText()).json();
        assertEquals("batch_output", outputFile.path("purpose").asText());
        assertEquals(done.path("id").asText() + "_output.jsonl", outputFile.path("filename").asText());
    }

    @Test
    void statesGoValidatingInProgressFinalizingCompletedAndListingPagesNewestFirst() throws Exception {
        service.configure(new ModelServiceConfig(1, 400L, null, List.of()));
        String fileId = upload("one.jsonl", line("a", "hello world") + "\n");
        String id = create(fileId, null).path("id").asText();
        List<String> seen = new ArrayList<>();
        openAi.await("/v1/batches/" + id, b -> {
            String s = b.path("status").asText();
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(s)) {
                seen.add(s);
            }
            return OpenAiBatch.TERMINAL.contains(s);
        }, WAIT);
        assertEquals(List.of("validating", "in_progress", "finalizing", "completed"), seen);

        String second = create(fileId, null).path("id").asText();
        JsonNode page = openAi.get("/v1/batches?limit=1").json();
        assertEquals("list", page.path("object").asText());
        assertEquals(second, page.at("/data/0/id").asText());
        assertEquals(second, page.path("first_id").asText());
        assertTrue(page.path("has_more").asBoolean());
        JsonNode next = openAi.get("/v1/batches?limit=1&after=" + second).json();
        assertEquals(id, next.at("/data/0/id").asText());
        awaitStatus(second, "completed");
    }

    @Test
    void cancelGoesThroughCancellingToCancelledAndAnEndedBatchCannotBeCancelled() throws Exception {
        service.configure(new ModelServiceConfig(1, 1500L, null, List.of()));
        String fileId = upload("slow.jsonl", line("a", "some text") + "\n" + line("b", "more text") + "\n");
        String id = create(fileId, Map.of("job_name", "to-cancel")).path("id").asText();
        awaitStatus(id, "in_progress");
        StandInClient.Answer cancel = openAi.post("/v1/batches/" + id + "/cancel", null);
        assertEquals(200, cancel.status(), cancel.text());
        assertEquals("cancelling", cancel.json().path("status").asText());
        assertTrue(cancel.json().path("cancelling_at").isNumber(), cancel.text());
        JsonNode ended = awaitStatus(id, "cancelled", "completed");
        assertEquals("cancelled", ended.path("status").asText(), ended.toString());
        assertTrue(ended.path("cancelled_at").isNumber());
        assertTrue(ended.path("completed_at").isNull());
        StandInClient.Answer again = openAi.post("/v1/batches/" + id + "/cancel", null);
        assertEquals(409, again.status(), again.text());
        assertTrue(again.json().at("/error/message").asText().contains("cancelled"), again.text());
        assertEquals(404, openAi.post("/v1/batches/batch_nope/cancel", null).status());
    }

    @Test
    void aMissingOrWrongKeyIsRefusedWithOpenAisEnvelopeAndTheKeyIsNotEchoed() throws Exception {
        StandInClient.Answer none = openAi.withKey(null).get("/v1/batches");
        assertEquals(401, none.status());
        assertEquals("invalid_request_error", none.json().at("/error/type").asText());
        assertTrue(none.json().at("/error/code").isNull());
        StandInClient.Answer wrong = openAi.withKey("sk-wrong-key-123").post("/v1/batches", Map.of());
        assertEquals(401, wrong.status());
        assertEquals("invalid_api_key", wrong.json().at("/error/code").asText());
        assertFalse(wrong.text().contains("sk-wrong-key-123"), wrong.text());
        assertEquals(404, openAi.get("/v1/nothing-here").status());
    }

    @Test
    void badLinesFailTheBatchWithErrorsNamingEachLine() throws Exception {
        String wrongUrl = line("c", "text").replace("/v1/embeddings", "/v1/chat/completions");
        String wrongModel = line("d", "text").replace("text-embedding-3-small", "gpt-4o");
        String content = String.join("\n", line("a", "fine"), "{not json", wrongUrl, wrongModel, line("a", "duplicate id"),
                "{\"custom_id\":\"e\",\"method\":\"POST\",\"url\":\"/v1/embeddings\"}");
        JsonNode failed = awaitStatus(create(upload("bad.jsonl", content), null).path("id").asText(), "failed", "completed");
        assertEquals("failed", failed.path("status").asText(), failed.toString());
        assertTrue(failed.path("failed_at").isNumber());
        assertTrue(failed.path("output_file_id").isNull() && failed.path("error_file_id").isNull());
        JsonNode data = failed.at("/errors/data");
        assertEquals("list", failed.at("/errors/object").asText());
        List<String> got = new ArrayList<>();
        data.forEach(e -> got.add(e.path("code").asText() + "@" + e.path("line").asInt()));
        assertEquals(List.of("invalid_json_line@2", "invalid_url@3", "model_not_found@4", "duplicate_custom_id@5",
                "missing_required_parameter@6"), got);
        assertEquals("body", data.get(4).path("param").asText());
    }

    @Test
    void moreThanFiftyThousandRequestsFailTheBatch() throws Exception {
        StringBuilder content = new StringBuilder();
        String template = line("ID", "x");
        for (int i = 0; i <= OpenAiBatchRunner.MAX_REQUESTS; i++) {
            content.append(template.replace("\"ID\"", "\"r" + i + "\"")).append('\n');
        }
        JsonNode failed = awaitStatus(create(upload("big.jsonl", content.toString()), null).path("id").asText(), "failed", "completed");
        assertEquals("failed", failed.path("status").asText());
        assertEquals("too_many_requests", failed.at("/errors/data/0/code").asText());
        assertEquals(50_001, failed.at("/errors/data/0/line").asInt());
    }

    @Test
    void createRefusesWhatOpenAiRefuses() throws Exception {
        String fileId = upload("x.jsonl", line("a", "text"));
        Map<String, Object> body = new LinkedHashMap<>(Map.of("input_file_id", fileId, "endpoint", "/v1/images",
                "completion_window", "24h"));
        assertEquals(400, openAi.post("/v1/batches", body).status());
        body.put("endpoint", "/v1/embeddings");
        body.put("completion_window", "1h");
        assertEquals(400, openAi.post("/v1/batches", body).status());
        body.put("completion_window", "24h");
        body.put("metadata", Map.of("n", 1));
        assertEquals(400, openAi.post("/v1/batches", body).status());
        body.remove("metadata");
        body.put("input_file_id", "file-doesnotexist");
        StandInClient.Answer missing = openAi.post("/v1/batches", body);
        assertEquals(404, missing.status());
        assertTrue(missing.json().at("/error/message").asText().contains("file-doesnotexist"));
        StandInClient.Answer purpose = openAi.multipart("/v1/files", List.of(
                new MultipartForm.Part("purpose", null, null, "fine-tune".getBytes(StandardCharsets.UTF_8)),
                new MultipartForm.Part("file", "f.jsonl", null, "{}".getBytes(StandardCharsets.UTF_8))));
        assertEquals(400, purpose.status());
        assertEquals("purpose", purpose.json().at("/error/param").asText());
    }

    @Test
    void faultRulesFailOrExpireABatchOrThrottleACall() throws Exception {
        service.configure(new ModelServiceConfig(1, 0L, null, List.of(
                new FaultRule("fail", "openai", "^doomed$", null, 1, "boom"),
                new FaultRule("expire", "openai", "^late$", null, 1, null),
                new FaultRule("throttle", "openai", null, "ListBatches", 1, null))));
        String fileId = upload("f.jsonl", line("a", "one") + "\n" + line("b", "two") + "\n");
        JsonNode failed = awaitStatus(create(fileId, Map.of("job_name", "doomed")).path("id").asText(), "failed", "completed");
        assertEquals("failed", failed.path("status").asText());
        assertEquals("injected_failure", failed.at("/errors/data/0/code").asText());
        assertEquals("boom", failed.at("/errors/data/0/message").asText());
        JsonNode expired = awaitStatus(create(fileId, Map.of("job_name", "late")).path("id").asText(), "expired", "completed");
        assertEquals("expired", expired.path("status").asText());
        assertEquals(1, content(expired.path("output_file_id").asText()).size(), "half the requests ran");
        assertEquals(429, openAi.get("/v1/batches").status());
        assertEquals(200, openAi.get("/v1/batches").status());
    }

    @Test
    void realTimeEmbeddingsAnswerLikeABatchLine() throws Exception {
        StandInClient.Answer a = openAi.post("/v1/embeddings", Map.of("model", "text-embedding-3-small", "input", "hello"));
        assertEquals(200, a.status(), a.text());
        assertArrayEquals(model.embed("hello").vector(), floats(a.json().at("/data/0/embedding")), 1e-6f);
        assertEquals(400, openAi.post("/v1/embeddings", Map.of("model", "text-embedding-3-small", "input", "")).status());
        assertTrue(Files.isDirectory(filesDir));
    }
}
