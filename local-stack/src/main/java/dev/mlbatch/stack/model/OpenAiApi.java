package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.stack.http.HttpCall;
import dev.mlbatch.stack.http.MultipartForm;
import dev.mlbatch.stack.http.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenAI Files and Batch APIs (and {@code /v1/embeddings}) under {@code /openai/v1/...}, bearer-key checked, with
 * OpenAI's object shapes and error envelope {@code {"error":{message,type,param,code}}}. Batches of
 * {@code /v1/embeddings} requests run on the model service's job pool with all-MiniLM-L6-v2 (384 floats per input).
 */
public final class OpenAiApi {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<String> REAL_ENDPOINTS = Set.of("/v1/responses", "/v1/chat/completions", "/v1/embeddings",
            "/v1/completions", "/v1/moderations");

    /** A file object; its bytes are in {@link StoredFiles} under the same id. */
    record OpenAiFile(String id, long bytes, long createdAt, String filename, String purpose) {
        ObjectNode toJson() {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("id", id);
            out.put("object", "file");
            out.put("bytes", bytes);
            out.put("created_at", createdAt);
            out.put("filename", filename);
            out.put("purpose", purpose);
            out.put("status", "processed");
            out.putNull("expires_at");
            out.putNull("status_details");
            return out;
        }
    }

    // Insertion-ordered: OpenAI's created_at is in whole seconds, so it cannot order two uploads or batches of one second.
    private final Map<String, OpenAiFile> files = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, OpenAiBatch> batches = Collections.synchronizedMap(new LinkedHashMap<>());
    private final StoredFiles stored;
    private final OpenAiBatchRunner runner;
    private final JobPool pool;
    private final FaultInjector faults;
    private final String apiKey;
    private final Clock clock;

    OpenAiApi(StoredFiles stored, OpenAiBatchRunner runner, JobPool pool, FaultInjector faults, String apiKey, Clock clock) {
        this.stored = stored;
        this.runner = runner;
        this.pool = pool;
        this.faults = faults;
        this.apiKey = apiKey;
        this.clock = clock;
    }

    /** Routes {@code path}, the request path without the {@code /openai} prefix. */
    public Reply handle(String method, String path, HttpCall call) {
        String operation = operation(method, path);
        BearerToken token = BearerToken.check(call, apiKey);
        if (token != BearerToken.OK) {
            LOG.info("openai: refused {} {}: {} API key", method, path, token == BearerToken.MISSING ? "no" : "wrong");
            return token == BearerToken.MISSING
                    ? error(401, "You didn't provide an API key. You need to provide your API key in an Authorization header "
                            + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error", null, null)
                    : error(401, "Incorrect API key provided. The local stand-in's key is in the stack env file "
                            + "(MLBATCH_OPENAI_API_KEY).", "invalid_request_error", null, "invalid_api_key");
        }
        if (operation == null) {
            return error(404, "Invalid URL (" + method + " " + path + ")", "invalid_request_error", null, null);
        }
        if (faults.throttle("openai", operation)) {
            return error(429, "Rate limit reached for requests (injected throttling). Please try again later.",
                    "requests", null, "rate_limit_exceeded");
        }
        String[] seg = path.split("/");
        return switch (operation) {
            case "UploadFile" -> upload(call);
            case "ListFiles" -> listFiles();
            case "RetrieveFile" -> withFile(seg[3], f -> Reply.json(200, f.toJson()));
            case "RetrieveFileContent" -> withFile(seg[3], f -> new Reply(200,
                    Map.of("Content-Type", "application/octet-stream"), stored.read(f.id())));
            case "DeleteFile" -> withFile(seg[3], this::deleteFile);
            case "CreateBatch" -> createBatch(call);
            case "ListBatches" -> listBatches(call);
            case "RetrieveBatch" -> withBatch(seg[3], b -> Reply.json(200, b.toJson()));
            case "CancelBatch" -> withBatch(seg[3], this::cancel);
            case "CreateEmbeddings" -> embeddings(call);
            default -> error(404, "Invalid URL (" + method + " " + path + ")", "invalid_request_error", null, null);
        };
    }

    static String operation(String method, String path) {
        String[] seg = path.split("/");
        // seg[0] is "" (leading slash), seg[1] "v1"
        if (seg.length < 3 || !"v1".equals(seg[1])) {
            return null;
        }
        String key = method + " " + seg[2] + "/" + (seg.length - 3);
        return switch (key) {
            case "POST files/0" -> "UploadFile";
            case "GET files/0" -> "ListFiles";
            case "GET files/1" -> "RetrieveFile";
            case "DELETE files/1" -> "DeleteFile";
            case "GET files/2" -> "content".equals(seg[4]) ? "RetrieveFileContent" : null;
            case "POST batches/0" -> "CreateBatch";
            case "GET batches/0" -> "ListBatches";
            case "GET batches/1" -> "RetrieveBatch";
            case "POST batches/2" -> "cancel".equals(seg[4]) ? "CancelBatch" : null;
            case "POST embeddings/0" -> "CreateEmbeddings";
            default -> null;
        };
    }

    private Reply upload(HttpCall call) {
        MultipartForm form;
        try {
            form = MultipartForm.parse(call.header("content-type").orElse(null), call.body());
        } catch (IllegalArgumentException e) {
            return error(400, "Invalid file upload: " + e.getMessage(), "invalid_request_error", null, null);
        }
        String purpose = form.part("purpose").map(MultipartForm.Part::text).map(String::trim).orElse(null);
        if (purpose == null) {
            return error(400, "Missing required parameter: 'purpose'.", "invalid_request_error", "purpose", null);
        }
        if (!"batch".equals(purpose)) {
            return error(400, "'" + purpose + "' is not a purpose the local stand-in accepts; use 'batch'.",
                    "invalid_request_error", "purpose", null);
        }
        MultipartForm.Part file = form.part("file").orElse(null);
        if (file == null) {
            return error(400, "Missing required parameter: 'file'.", "invalid_request_error", "file", null);
        }
        String filename = file.filename() == null || file.filename().isBlank() ? "upload.jsonl" : file.filename();
        OpenAiFile created = register(filename, "batch", out -> out.write(file.body()));
        LOG.info("openai: file {} uploaded ({} bytes, {})", created.id(), created.bytes(), filename);
        return Reply.json(200, created.toJson());
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private OpenAiFile register(String filename, String purpose, Writer writer) {
        String id = "file-" + alnum(24);
        try (OutputStream out = stored.create(id)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write file " + id, e);
        }
        OpenAiFile file = new OpenAiFile(id, stored.size(id), clock.instant().getEpochSecond(), filename, purpose);
        files.put(id, file);
        return file;
    }

    /** Output and error files of a batch: kept only when they have lines, as OpenAI leaves the id null otherwise. */
    private String batchFile(String filename, OpenAiBatchRunner.OutputWriter writer) {
        int[] lines = new int[1];
        OpenAiFile file = register(filename, "batch_output", out -> lines[0] = writer.write(out));
        if (lines[0] == 0) {
            files.remove(file.id());
            stored.delete(file.id());
            return null;
        }
        return file.id();
    }

    private static <V> List<V> newestFirst(Map<String, V> createdInOrder) {
        List<V> out;
        synchronized (createdInOrder) {
            out = new ArrayList<>(createdInOrder.values());
        }
        Collections.reverse(out);
        return out;
    }

    private Reply listFiles() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        newestFirst(files).forEach(f -> data.add(f.toJson()));
        out.put("has_more", false);
        return Reply.json(200, out);
    }

    private Reply deleteFile(OpenAiFile file) {
        files.remove(file.id());
        stored.delete(file.id());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("id", file.id());
        out.put("object", "file");
        out.put("deleted", true);
        return Reply.json(200, out);
    }

    private Reply createBatch(HttpCall call) {
        JsonNode body;
        try {
            body = JSON.readTree(call.body());
        } catch (IOException e) {
            return error(400, "We could not parse the JSON body of your request.", "invalid_request_error", null, null);
        }
        if (body == null || !body.isObject()) {
            return error(400, "The request body must be a JSON object.", "invalid_request_error", null, null);
        }
        String inputFileId = body.path("input_file_id").asText(null);
        if (inputFileId == null) {
            return error(400, "Missing required parameter: 'input_file_id'.", "invalid_request_error", "input_file_id", null);
        }
        String endpoint = body.path("endpoint").asText(null);
        if (endpoint == null) {
            return error(400, "Missing required parameter: 'endpoint'.", "invalid_request_error", "endpoint", null);
        }
        if (!REAL_ENDPOINTS.contains(endpoint)) {
            return error(400, "Invalid value for 'endpoint': '" + endpoint + "'. Supported values are: "
                    + String.join(", ", REAL_ENDPOINTS.stream().sorted().toList()) + ".", "invalid_request_error", "endpoint", null);
        }
        if (!OpenAiBatchRunner.EMBEDDINGS.equals(endpoint)) {
            return error(400, "The local stand-in runs only /v1/embeddings batches, not " + endpoint + ".",
                    "invalid_request_error", "endpoint", null);
        }
        String window = body.path("completion_window").asText(null);
        if (!"24h".equals(window)) {
            return error(400, "Invalid value for 'completion_window': '" + window + "'. Supported values are: '24h'.",
                    "invalid_request_error", "completion_window", null);
        }
        JsonNode metadata = body.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            String problem = metadataProblem(metadata);
            if (problem != null) {
                return error(400, problem, "invalid_request_error", "metadata", null);
            }
        }
        OpenAiFile input = files.get(inputFileId);
        if (input == null) {
            return error(404, "No such File object: " + inputFileId, "invalid_request_error", "input_file_id", null);
        }
        if (!"batch".equals(input.purpose())) {
            return error(400, "The file " + inputFileId + " was not uploaded with purpose 'batch'.", "invalid_request_error",
                    "input_file_id", null);
        }
        OpenAiBatch batch = new OpenAiBatch("batch_" + hex(32), inputFileId, endpoint, window, metadata,
                clock.instant().getEpochSecond());
        batches.put(batch.id(), batch);
        LOG.info("openai batch {} ({}) -> validating (input {})", batch.id(), batch.jobName(), inputFileId);
        // The answer is the batch as created: on a busy machine the runner may move it on before it is written.
        JsonNode created = batch.toJson();
        pool.submit(() -> runner.run(batch, this::batchFile));
        return Reply.json(200, created);
    }

    private static String metadataProblem(JsonNode metadata) {
        if (!metadata.isObject()) {
            return "Invalid type for 'metadata': expected an object.";
        }
        if (metadata.size() > 16) {
            return "Invalid 'metadata': too many keys (" + metadata.size() + "); at most 16 are allowed.";
        }
        for (Map.Entry<String, JsonNode> e : metadata.properties()) {
            if (e.getKey().length() > 64) {
                return "Invalid 'metadata': the key '" + e.getKey() + "' is longer than 64 characters.";
            }
            if (!e.getValue().isTextual()) {
                return "Invalid type for 'metadata." + e.getKey() + "': expected a string.";
            }
            if (e.getValue().asText().length() > 512) {
                return "Invalid 'metadata." + e.getKey() + "': the value is longer than 512 characters.";
            }
        }
        return null;
    }

    private Reply cancel(OpenAiBatch batch) {
        Optional<ObjectNode> cancelling = batch.requestCancel(clock.instant().getEpochSecond());
        if (cancelling.isEmpty()) {
            return error(409, "Cannot cancel a batch with status '" + batch.status() + "'.", "invalid_request_error", null, null);
        }
        LOG.info("openai batch {} ({}) -> {}", batch.id(), batch.jobName(), cancelling.get().path("status").asText());
        return Reply.json(200, cancelling.get());
    }

    private Reply listBatches(HttpCall call) {
        Map<String, String> q = query(call.rawQuery());
        int limit;
        try {
            limit = q.containsKey("limit") ? Integer.parseInt(q.get("limit")) : 20;
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 100) {
            return error(400, "Invalid 'limit': must be an integer from 1 to 100.", "invalid_request_error", "limit", null);
        }
        List<OpenAiBatch> newestFirst = newestFirst(batches);
        int start = 0;
        String after = q.get("after");
        if (after != null) {
            start = newestFirst.size();
            for (int i = 0; i < newestFirst.size(); i++) {
                if (newestFirst.get(i).id().equals(after)) {
                    start = i + 1;
                    break;
                }
            }
        }
        List<OpenAiBatch> page = newestFirst.subList(start, Math.min(newestFirst.size(), start + limit));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        page.forEach(b -> data.add(b.toJson()));
        out.put("first_id", page.isEmpty() ? null : page.get(0).id());
        out.put("last_id", page.isEmpty() ? null : page.get(page.size() - 1).id());
        out.put("has_more", start + page.size() < newestFirst.size());
        return Reply.json(200, out);
    }

    private Reply embeddings(HttpCall call) {
        JsonNode body;
        try {
            body = JSON.readTree(call.body());
        } catch (IOException e) {
            return error(400, "We could not parse the JSON body of your request.", "invalid_request_error", null, null);
        }
        if (body == null || !body.isObject()) {
            return error(400, "The request body must be a JSON object.", "invalid_request_error", null, null);
        }
        String model = body.path("model").asText(null);
        if (model == null || !OpenAiBatchRunner.MODELS.contains(model)) {
            return error(404, "The model '" + model + "' does not exist or you do not have access to it.",
                    "invalid_request_error", null, "model_not_found");
        }
        try {
            return Reply.json(200, runner.embeddings(body));
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage(), "invalid_request_error", "input", null);
        }
    }

    private interface FileAction {
        Reply apply(OpenAiFile file);
    }

    private interface BatchAction {
        Reply apply(OpenAiBatch batch);
    }

    private Reply withFile(String id, FileAction action) {
        OpenAiFile file = files.get(id);
        return file == null ? error(404, "No such File object: " + id, "invalid_request_error", "id", null) : action.apply(file);
    }

    private Reply withBatch(String id, BatchAction action) {
        OpenAiBatch batch = batches.get(id);
        return batch == null ? error(404, "No batch found with id '" + id + "'.", "invalid_request_error", null, null)
                : action.apply(batch);
    }

    public Map<String, OpenAiBatch> batches() {
        return batches;
    }

    static Reply error(int status, String message, String type, String param, String code) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return Reply.json(status, Map.of("error", error));
    }

    static String hex(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(Character.forDigit(RANDOM.nextInt(16), 16));
        }
        return sb.toString();
    }

    private static String alnum(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : pair.substring(eq + 1);
                out.put(decode(k), decode(v));
            }
        }
        return out;
    }

    static String decode(String s) {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
