package dev.mlbatch.plugins.mlinference.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A JDK HttpServer standing in, in unit tests, for ML Commons with an OpenAI batch connector (model
 * {@value #OPENAI_MODEL}) and a Cohere embed-job connector (model {@value #COHERE_MODEL}), and for the providers'
 * own APIs behind them under {@code /openai/v1/...} and {@code /cohere/v1/...} (Bearer key {@value #API_KEY}).
 * It behaves as wire-formats.md §1.5–1.7, §2.3–2.5 and §6 describe: the task's remote_job is the create answer
 * (OpenAI: the whole batch object, so {@code metadata.job_name} is searchable at once; Cohere: only
 * {@code job_id} and {@code meta}, so {@code name} appears after the first refresh) merged with every status answer
 * on a task GET; states map as ML Commons maps them. Records: a text containing {@code refuse} is refused with a
 * 400 (OpenAI error file; Cohere leaves such rows out), one containing {@code skip-once} is left out the first time.
 */
public final class FakeHostedBatchApis implements AutoCloseable {
    public static final String OPENAI_MODEL = "openai-model";
    public static final String COHERE_MODEL = "cohere-model";
    public static final String API_KEY = "sk-test-local-0123456789";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public record Received(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final class Task {
        final String id = "task-" + UUID.randomUUID().toString().substring(0, 8);
        final String modelId;
        final ObjectNode remoteJob;
        String state = "RUNNING";

        Task(final String modelId, final ObjectNode remoteJob) {
            this.modelId = modelId;
            this.remoteJob = remoteJob;
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, ObjectNode> batches = new LinkedHashMap<>();
    private final Map<String, Long> startedNanos = new LinkedHashMap<>();
    private final Map<String, ObjectNode> datasets = new LinkedHashMap<>();
    private final Map<String, byte[]> datasetRows = new LinkedHashMap<>();
    private final Map<String, Integer> validationReads = new LinkedHashMap<>();
    private final Map<String, ObjectNode> embedJobs = new LinkedHashMap<>();
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final List<String> jobsCreated = new CopyOnWriteArrayList<>();
    private final Set<String> skippedOnce = Collections.synchronizedSet(new HashSet<>());
    private volatile Duration jobDuration = Duration.ofMillis(200);
    private volatile int throttleNext;

    public FakeHostedBatchApis() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String openAiUrl() {
        return url() + "/openai";
    }

    public String cohereUrl() {
        return url() + "/cohere";
    }

    public FakeHostedBatchApis jobDuration(final Duration duration) {
        this.jobDuration = duration;
        return this;
    }

    /** The next {@code count} _batch_predict calls are answered as ML Commons passes on a provider's 429. */
    public FakeHostedBatchApis throttleNext(final int count) {
        this.throttleNext = count;
        return this;
    }

    /** Job names of every job the providers created, in order (a duplicate would appear twice). */
    public List<String> jobsCreated() {
        return List.copyOf(jobsCreated);
    }

    public List<Received> received(final String method, final String pathPart) {
        return received.stream().filter(r -> r.method().equals(method) && r.path().contains(pathPart)).toList();
    }

    public synchronized Map<String, byte[]> uploadedFiles() {
        return Map.copyOf(files);
    }

    public synchronized Map<String, ObjectNode> datasets() {
        return Map.copyOf(datasets);
    }

    /** Deletes every finished job's outputs at the provider (OpenAI output/error files, Cohere result datasets). */
    public synchronized void deleteProviderOutputs() {
        for (final ObjectNode batch : batches.values()) {
            files.remove(batch.path("output_file_id").asText());
            files.remove(batch.path("error_file_id").asText());
        }
        for (final ObjectNode job : embedJobs.values()) {
            datasets.remove(job.path("output_dataset_id").asText());
        }
    }

    /** Creates the job the way ML Commons would for a _batch_predict with this body (another client, or before a crash). */
    public synchronized String createJobDirectly(final String modelId, final String body) throws IOException {
        return create(modelId, MAPPER.readTree(body).path("parameters")).path("task_id").asText();
    }

    private synchronized void handle(final HttpExchange exchange) throws IOException {
        final byte[] body = exchange.getRequestBody().readAllBytes();
        final String path = exchange.getRequestURI().getPath();
        final String query = exchange.getRequestURI().getRawQuery();
        received.add(new Received(exchange.getRequestMethod(), path, query, Map.copyOf(exchange.getRequestHeaders()), body));
        try {
            if (path.startsWith("/_plugins/_ml/")) {
                mlCommons(exchange, path, body);
            } else if (path.startsWith("/openai/v1/")) {
                if (authorized(exchange, true)) {
                    openAi(exchange, path.substring("/openai".length()), query, body);
                }
            } else if (path.startsWith("/cohere/v1/")) {
                // Part downloads are signed links at Cohere: no key needed (and none is sent).
                if (path.contains("/parts/") || authorized(exchange, false)) {
                    cohere(exchange, path.substring("/cohere".length()), query, body);
                }
            } else {
                reply(exchange, 404, "{\"message\":\"no route " + path + "\"}");
            }
        } catch (final RuntimeException e) {
            reply(exchange, 500, "{\"error\":{\"type\":\"exception\",\"reason\":\"" + e.toString().replace("\"", "'") + "\"}}");
        }
    }

    private boolean authorized(final HttpExchange exchange, final boolean openAi) throws IOException {
        if (("Bearer " + API_KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return true;
        }
        reply(exchange, 401, openAi
                ? "{\"error\":{\"message\":\"Incorrect API key provided.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}"
                : "{\"message\":\"invalid api token\"}");
        return false;
    }

    // ---- ML Commons ----

    private void mlCommons(final HttpExchange exchange, final String path, final byte[] body) throws IOException {
        if (path.endsWith("/_batch_predict")) {
            final String modelId = path.substring("/_plugins/_ml/models/".length(), path.length() - "/_batch_predict".length());
            if (!modelId.equals(OPENAI_MODEL) && !modelId.equals(COHERE_MODEL)) {
                reply(exchange, 404, mlError("status_exception", "Failed to find model", 404));
                return;
            }
            if (throttleNext > 0) {
                throttleNext--;
                reply(exchange, 429, mlError("status_exception", "Error from remote service: {\"error\":{\"message\":\"Rate limit reached for "
                        + "batch requests\",\"type\":\"requests\"}}", 429));
                return;
            }
            final ObjectNode answer = create(modelId, MAPPER.readTree(body).path("parameters"));
            reply(exchange, answer.has("task_id") ? 200 : 400, answer.has("task_id") ? answer.toString()
                    : mlError("status_exception", "Error from remote service: " + answer.path("error").asText(), 400));
        } else if (path.equals("/_plugins/_ml/tasks/_search")) {
            final JsonNode search = MAPPER.readTree(body);
            final ObjectNode answer = MAPPER.createObjectNode();
            final ArrayNode hits = answer.putObject("hits").putArray("hits");
            for (final Task task : tasks.values()) {
                if (matches(search.path("query"), task)) {
                    hits.addObject().put("_id", task.id).set("_source", document(task));
                }
            }
            reply(exchange, 200, answer.toString());
        } else if (path.startsWith("/_plugins/_ml/tasks/")) {
            final Task task = tasks.get(path.substring("/_plugins/_ml/tasks/".length()));
            if (task == null) {
                reply(exchange, 404, mlError("status_exception", "Failed to find task", 404));
                return;
            }
            refresh(task);
            reply(exchange, 200, document(task).toString());
        } else {
            reply(exchange, 400, mlError("illegal_argument_exception", "no handler for " + path, 400));
        }
    }

    /** What the connector's batch_predict action does; returns the _batch_predict answer or {"error": provider body}. */
    private ObjectNode create(final String modelId, final JsonNode parameters) {
        final ObjectNode remote;
        final String jobName;
        if (modelId.equals(OPENAI_MODEL)) {
            final ObjectNode batch = createBatch(parameters);
            if (batch.has("error")) {
                return MAPPER.createObjectNode().put("error", batch.toString());
            }
            jobName = parameters.path("metadata").path("job_name").asText();
            remote = batch.deepCopy();
        } else {
            final ObjectNode job = createEmbedJob(parameters);
            if (!job.has("job_id")) {
                return MAPPER.createObjectNode().put("error", job.toString());
            }
            jobName = parameters.path("name").asText();
            remote = MAPPER.createObjectNode().put("job_id", job.get("job_id").asText());
            remote.putObject("meta").putObject("api_version").put("version", "1");
        }
        remote.putNull("dlq");
        final Task task = new Task(modelId, remote);
        tasks.put(task.id, task);
        final ObjectNode answer = MAPPER.createObjectNode();
        answer.put("task_id", task.id);
        answer.put("status", "CREATED");
        answer.set("remote_job", remote.deepCopy());
        return answer;
    }

    /** OpenAI's POST /v1/batches: the batch object, or OpenAI's error envelope. */
    private ObjectNode createBatch(final JsonNode parameters) {
        final String fileId = parameters.path("input_file_id").asText();
        if (!files.containsKey(fileId)) {
            return (ObjectNode) read("{\"error\":{\"message\":\"Invalid 'input_file_id': '" + fileId + "'.\"}}");
        }
        final ObjectNode batch = MAPPER.createObjectNode();
        batch.put("id", "batch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        batch.put("object", "batch");
        batch.put("endpoint", parameters.path("endpoint").asText());
        batch.putNull("errors");
        batch.put("input_file_id", fileId);
        batch.put("completion_window", "24h");
        batch.put("status", "validating");
        batch.putNull("output_file_id");
        batch.putNull("error_file_id");
        batch.put("created_at", System.currentTimeMillis() / 1000);
        batch.putObject("request_counts").put("total", 0).put("completed", 0).put("failed", 0);
        batch.set("metadata", parameters.path("metadata").deepCopy());
        batches.put(batch.get("id").asText(), batch);
        startedNanos.put(batch.get("id").asText(), System.nanoTime());
        jobsCreated.add(parameters.path("metadata").path("job_name").asText());
        return batch;
    }

    /** Cohere's POST /v1/embed-jobs: the job (the caller answers {job_id, meta}), or Cohere's error envelope. */
    private ObjectNode createEmbedJob(final JsonNode parameters) {
        final String datasetId = parameters.path("dataset_id").asText();
        final ObjectNode dataset = datasets.get(datasetId);
        if (dataset == null || !"validated".equals(dataset.path("validation_status").asText())) {
            return MAPPER.createObjectNode().put("message", "dataset " + datasetId + " is not a validated dataset");
        }
        final ObjectNode job = MAPPER.createObjectNode();
        job.put("job_id", UUID.randomUUID().toString());
        job.put("name", parameters.path("name").asText());
        job.put("status", "processing");
        job.put("created_at", "2026-12-07T06:00:00Z");
        job.put("input_dataset_id", datasetId);
        job.put("model", "embed-english-v3.0");
        job.put("truncate", "END");
        embedJobs.put(job.get("job_id").asText(), job);
        startedNanos.put(job.get("job_id").asText(), System.nanoTime());
        jobsCreated.add(parameters.path("name").asText());
        return job;
    }

    /** A task GET: ML Commons reads the job's status from the provider, merges it into remote_job and maps the state. */
    private void refresh(final Task task) {
        final ObjectNode status = task.modelId.equals(OPENAI_MODEL)
                ? advanceBatch(batches.get(task.remoteJob.path("id").asText()))
                : advanceEmbedJob(embedJobs.get(task.remoteJob.path("job_id").asText()));
        task.remoteJob.setAll(status.deepCopy());
        final String value = task.remoteJob.path("status").asText("").toLowerCase();
        if (value.matches(".*(stopping|cancelling).*")) {
            task.state = "CANCELLING";
        } else if (value.matches(".*(stopped|cancelled).*")) {
            task.state = "CANCELLED";
        } else if (value.matches(".*(complete|completed).*")) {
            task.state = "COMPLETED";
        } else if (value.matches(".*(expired|timeout).*")) {
            task.state = "EXPIRED";
        } else if (value.matches(".*failed.*")) {
            task.state = "FAILED";
        }
    }

    private boolean due(final String id) {
        return System.nanoTime() - startedNanos.get(id) >= jobDuration.toNanos();
    }

    private ObjectNode advanceBatch(final ObjectNode batch) {
        if (!"validating".equals(batch.path("status").asText()) && !"in_progress".equals(batch.path("status").asText())) {
            return batch;
        }
        if (!due(batch.get("id").asText())) {
            batch.put("status", "in_progress");
            return batch;
        }
        // Validation, as OpenAI does it: a line that is not a JSON object fails the whole batch, naming the line.
        final ArrayNode invalid = MAPPER.createArrayNode();
        int lineNumber = 0;
        for (final String line : new String(files.get(batch.path("input_file_id").asText()), StandardCharsets.UTF_8).split("\n", -1)) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode parsed;
            try {
                parsed = MAPPER.readTree(line);
            } catch (final IOException e) {
                parsed = null;
            }
            if (parsed == null || !parsed.isObject()) {
                invalid.addObject().put("code", "invalid_json_line").put("message", "This line is not parseable as valid JSON.")
                        .putNull("param").put("line", lineNumber);
            }
        }
        if (!invalid.isEmpty()) {
            batch.put("status", "failed");
            batch.put("failed_at", System.currentTimeMillis() / 1000);
            batch.putObject("errors").put("object", "list").set("data", invalid);
            return batch;
        }
        final StringBuilder output = new StringBuilder();
        final StringBuilder errors = new StringBuilder();
        int total = 0;
        int completed = 0;
        int failed = 0;
        for (final String line : lines(files.get(batch.path("input_file_id").asText()))) {
            final JsonNode request = read(line);
            total++;
            final String customId = request.path("custom_id").asText();
            final String text = request.path("body").path("input").asText();
            if (text.contains("skip-once") && skippedOnce.add(customId)) {
                continue;
            }
            final ObjectNode out = MAPPER.createObjectNode().put("id", "batch_req_" + total).put("custom_id", customId);
            final ObjectNode response = out.putObject("response");
            if (text.contains("refuse")) {
                response.put("status_code", 400).put("request_id", "req_" + total);
                response.putObject("body").putObject("error").put("message", "'$.input' is invalid. Please check the API reference.")
                        .put("type", "invalid_request_error").putNull("param").putNull("code");
                out.putNull("error");
                errors.append(out).append('\n');
                failed++;
            } else {
                response.put("status_code", 200).put("request_id", "req_" + total);
                final ObjectNode responseBody = response.putObject("body").put("object", "list");
                responseBody.putArray("data").addObject().put("object", "embedding").put("index", 0)
                        .putArray("embedding").add(text.length()).add(0.5);
                responseBody.put("model", "text-embedding-3-small");
                out.putNull("error");
                output.append(out).append('\n');
                completed++;
            }
        }
        batch.put("status", "completed");
        batch.put("output_file_id", storeFile(output.toString().getBytes(StandardCharsets.UTF_8)));
        if (failed > 0) {
            batch.put("error_file_id", storeFile(errors.toString().getBytes(StandardCharsets.UTF_8)));
        }
        batch.putObject("request_counts").put("total", total).put("completed", completed).put("failed", failed);
        return batch;
    }

    private ObjectNode advanceEmbedJob(final ObjectNode job) {
        if (!"processing".equals(job.path("status").asText()) || !due(job.get("job_id").asText())) {
            return job;
        }
        final StringBuilder rows = new StringBuilder();
        for (final String line : lines(datasetRows.get(job.path("input_dataset_id").asText()))) {
            final JsonNode row = read(line);
            final String text = row.path("text").asText();
            if (text.contains("refuse") || (text.contains("skip-once") && skippedOnce.add(row.path("id").asText()))) {
                continue; // Cohere leaves rows it could not embed out of the result
            }
            final ObjectNode out = MAPPER.createObjectNode().put("text", text);
            if (row.has("id")) {
                out.set("id", row.get("id"));
            }
            out.putObject("embeddings").putArray("float").add(text.length()).add(0.5);
            rows.append(out).append('\n');
        }
        final String outputId = newDataset("embed-result", job.path("name").asText() + "-output", rows.toString().getBytes(StandardCharsets.UTF_8));
        datasets.get(outputId).put("validation_status", "validated");
        job.put("status", "complete");
        job.put("output_dataset_id", outputId);
        return job;
    }

    private ObjectNode document(final Task task) {
        final ObjectNode doc = MAPPER.createObjectNode();
        doc.put("model_id", task.modelId);
        doc.put("task_type", "BATCH_PREDICTION");
        doc.put("function_name", "REMOTE");
        doc.put("state", task.state);
        doc.put("create_time", System.currentTimeMillis());
        doc.put("last_update_time", System.currentTimeMillis());
        doc.put("is_async", false);
        doc.set("remote_job", task.remoteJob.deepCopy());
        return doc;
    }

    /** bool filter / should with term queries; a term on remote_job.a.b matches the flat_object's value at that path. */
    private static boolean matches(final JsonNode query, final Task task) {
        if (query.has("bool")) {
            final JsonNode bool = query.get("bool");
            for (final JsonNode filter : bool.path("filter")) {
                if (!matches(filter, task)) {
                    return false;
                }
            }
            if (bool.has("should")) {
                boolean any = false;
                for (final JsonNode should : bool.get("should")) {
                    any |= matches(should, task);
                }
                return any;
            }
            return true;
        }
        if (query.has("term")) {
            final var entry = query.get("term").fields().next();
            final String field = entry.getKey();
            final String value = entry.getValue().asText();
            if (field.equals("task_type")) {
                return value.equals("BATCH_PREDICTION");
            }
            if (field.equals("model_id")) {
                return value.equals(task.modelId);
            }
            if (field.startsWith("remote_job.")) {
                JsonNode node = task.remoteJob;
                for (final String part : field.substring("remote_job.".length()).split("\\.")) {
                    node = node.path(part);
                }
                return value.equals(node.asText(null));
            }
            return false;
        }
        return false; // wildcard on TransformJobArn: no such field here
    }

    // ---- OpenAI ----

    private void openAi(final HttpExchange exchange, final String path, final String query, final byte[] body) throws IOException {
        final String method = exchange.getRequestMethod();
        if (method.equals("POST") && path.equals("/v1/files")) {
            final Map<String, byte[]> parts = multipart(exchange, body);
            if (!"batch".equals(text(parts.get("purpose"))) || !parts.containsKey("file")) {
                reply(exchange, 400, "{\"error\":{\"message\":\"purpose batch and a file are required\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            final String id = storeFile(parts.get("file"));
            reply(exchange, 200, MAPPER.createObjectNode().put("id", id).put("object", "file").put("bytes", parts.get("file").length)
                    .put("purpose", "batch").toString());
        } else if (method.equals("GET") && path.startsWith("/v1/files/") && path.endsWith("/content")) {
            final byte[] content = files.get(path.substring("/v1/files/".length(), path.length() - "/content".length()));
            if (content == null) {
                reply(exchange, 404, "{\"error\":{\"message\":\"No such File object\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            reply(exchange, 200, new String(content, StandardCharsets.UTF_8));
        } else if (method.equals("GET") && path.startsWith("/v1/files/")) {
            final String id = path.substring("/v1/files/".length());
            if (!files.containsKey(id)) {
                reply(exchange, 404, "{\"error\":{\"message\":\"No such File object: " + id + "\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            reply(exchange, 200, MAPPER.createObjectNode().put("id", id).put("object", "file").put("bytes", files.get(id).length).toString());
        } else if (method.equals("POST") && path.equals("/v1/batches")) {
            // What a real ML Commons connector calls (batch_predict action).
            final ObjectNode batch = createBatch(MAPPER.readTree(body));
            reply(exchange, batch.has("error") ? 404 : 200, batch.toString());
        } else if (method.equals("GET") && path.startsWith("/v1/batches/")) {
            final ObjectNode batch = batches.get(path.substring("/v1/batches/".length()));
            if (batch == null) {
                reply(exchange, 404, "{\"error\":{\"message\":\"No batch found\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            reply(exchange, 200, advanceBatch(batch).toString());
        } else if (method.equals("GET") && path.equals("/v1/batches")) {
            final List<ObjectNode> newestFirst = new ArrayList<>(batches.values());
            Collections.reverse(newestFirst);
            final String after = param(query, "after");
            int from = 0;
            if (after != null) {
                for (int i = 0; i < newestFirst.size(); i++) {
                    if (newestFirst.get(i).path("id").asText().equals(after)) {
                        from = i + 1;
                    }
                }
            }
            final int limit = Integer.parseInt(param(query, "limit") == null ? "20" : param(query, "limit"));
            final List<ObjectNode> page = newestFirst.subList(Math.min(from, newestFirst.size()), Math.min(from + limit, newestFirst.size()));
            final ObjectNode answer = MAPPER.createObjectNode().put("object", "list");
            final ArrayNode data = answer.putArray("data");
            page.forEach(data::add);
            answer.put("has_more", from + limit < newestFirst.size());
            if (!page.isEmpty()) {
                answer.put("last_id", page.get(page.size() - 1).path("id").asText());
            }
            reply(exchange, 200, answer.toString());
        } else {
            reply(exchange, 404, "{\"error\":{\"message\":\"Unknown request URL: " + method + " " + path + "\"}}");
        }
    }

    private String storeFile(final byte[] content) {
        final String id = "file-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        files.put(id, content);
        return id;
    }

    // ---- Cohere ----

    private void cohere(final HttpExchange exchange, final String path, final String query, final byte[] body) throws IOException {
        final String method = exchange.getRequestMethod();
        if (method.equals("POST") && path.equals("/v1/datasets")) {
            final Map<String, byte[]> parts = multipart(exchange, body);
            if (!"embed-input".equals(param(query, "type")) || !parts.containsKey("data")) {
                reply(exchange, 400, "{\"message\":\"type embed-input and a data part are required\"}");
                return;
            }
            final String id = newDataset("embed-input", param(query, "name"), parts.get("data"));
            final ObjectNode dataset = datasets.get(id);
            int line = 0;
            for (final String text : lines(parts.get("data"))) {
                line++;
                if (!read(text).path("text").isTextual()) {
                    dataset.put("validation_error", "line " + line + ": field 'text' is required and must be a string");
                }
            }
            dataset.put("validation_status", "queued");
            reply(exchange, 200, MAPPER.createObjectNode().put("id", id).toString());
        } else if (method.equals("GET") && path.matches("/v1/datasets/[^/]+/parts/0")) {
            final String id = path.split("/")[3];
            reply(exchange, 200, new String(datasetRows.get(id), StandardCharsets.UTF_8));
        } else if (method.equals("GET") && path.startsWith("/v1/datasets/")) {
            final ObjectNode dataset = datasets.get(path.substring("/v1/datasets/".length()));
            if (dataset == null) {
                reply(exchange, 404, "{\"message\":\"dataset not found\"}");
                return;
            }
            // Validation takes a moment: queued, then processing, then its outcome.
            final int reads = validationReads.merge(dataset.path("id").asText(), 1, Integer::sum);
            if (!"validated".equals(dataset.path("validation_status").asText()) && !"failed".equals(dataset.path("validation_status").asText())) {
                dataset.put("validation_status", reads < 2 ? "processing" : dataset.hasNonNull("validation_error") ? "failed" : "validated");
            }
            reply(exchange, 200, MAPPER.createObjectNode().set("dataset", dataset).toString());
        } else if (method.equals("POST") && path.equals("/v1/embed-jobs")) {
            final ObjectNode job = createEmbedJob(MAPPER.readTree(body));
            if (!job.has("job_id")) {
                reply(exchange, 400, job.toString());
                return;
            }
            final ObjectNode answer = MAPPER.createObjectNode().put("job_id", job.get("job_id").asText());
            answer.putObject("meta").putObject("api_version").put("version", "1");
            reply(exchange, 200, answer.toString());
        } else if (method.equals("GET") && path.startsWith("/v1/embed-jobs/")) {
            final ObjectNode job = embedJobs.get(path.substring("/v1/embed-jobs/".length()));
            if (job == null) {
                reply(exchange, 404, "{\"message\":\"embed job not found\"}");
                return;
            }
            reply(exchange, 200, advanceEmbedJob(job).toString());
        } else if (method.equals("GET") && path.equals("/v1/embed-jobs")) {
            final ObjectNode answer = MAPPER.createObjectNode();
            final ArrayNode jobs = answer.putArray("embed_jobs");
            embedJobs.values().forEach(jobs::add);
            reply(exchange, 200, answer.toString());
        } else {
            reply(exchange, 404, "{\"message\":\"no route " + method + " " + path + "\"}");
        }
    }

    private String newDataset(final String type, final String name, final byte[] rows) {
        final String id = "ds-" + UUID.randomUUID().toString().substring(0, 8);
        final ObjectNode dataset = MAPPER.createObjectNode();
        dataset.put("id", id);
        dataset.put("name", name);
        dataset.put("dataset_type", type);
        dataset.put("validation_status", "queued");
        dataset.put("created_at", "2026-12-07T06:00:00Z");
        dataset.putArray("dataset_parts").addObject().put("id", id + "-p0").put("name", "part-0.jsonl")
                .put("url", cohereUrl() + "/v1/datasets/" + id + "/parts/0").put("num_rows", lines(rows).size());
        datasets.put(id, dataset);
        datasetRows.put(id, rows);
        return id;
    }

    // ---- helpers ----

    /** multipart/form-data parts by name (ISO-8859-1 keeps the bytes as they are). */
    private static Map<String, byte[]> multipart(final HttpExchange exchange, final byte[] body) {
        final String type = exchange.getRequestHeaders().getFirst("Content-Type");
        final String boundary = "--" + type.substring(type.indexOf("boundary=") + "boundary=".length());
        final String text = new String(body, StandardCharsets.ISO_8859_1);
        final Map<String, byte[]> parts = new LinkedHashMap<>();
        for (final String chunk : text.split(java.util.regex.Pattern.quote(boundary))) {
            final int headEnd = chunk.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                continue;
            }
            final String head = chunk.substring(0, headEnd);
            final int nameAt = head.indexOf("name=\"");
            if (nameAt < 0) {
                continue;
            }
            final String name = head.substring(nameAt + 6, head.indexOf('"', nameAt + 6));
            String content = chunk.substring(headEnd + 4);
            if (content.endsWith("\r\n")) {
                content = content.substring(0, content.length() - 2);
            }
            parts.put(name, content.getBytes(StandardCharsets.ISO_8859_1));
        }
        return parts;
    }

    private static String text(final byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static String param(final String query, final String name) {
        if (query == null) {
            return null;
        }
        for (final String pair : query.split("&")) {
            final int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static List<String> lines(final byte[] content) {
        return new String(content, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }

    private static JsonNode read(final String line) {
        try {
            return MAPPER.readTree(line);
        } catch (final IOException e) {
            return MAPPER.createObjectNode();
        }
    }

    private static String mlError(final String type, final String reason, final int status) {
        final ObjectNode root = MAPPER.createObjectNode();
        final ObjectNode error = root.putObject("error");
        error.putArray("root_cause").addObject().put("type", type).put("reason", reason);
        error.put("type", type);
        error.put("reason", reason);
        root.put("status", status);
        return root.toString();
    }

    private static void reply(final HttpExchange exchange, final int status, final String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
