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
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Cohere's v1 Datasets and Embed Jobs APIs (and {@code /v1/embed}) under {@code /cohere/v1/...}, bearer-key checked,
 * errors as {@code {"message": ...}}. Datasets validate on a thread of their own; embed jobs run on the model
 * service's job pool with all-MiniLM-L6-v2 (384 floats per row).
 */
public final class CohereApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CohereApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    static final Set<String> MODELS = Set.of("embed-english-v3.0", "embed-multilingual-v3.0", "embed-english-light-v3.0",
            "embed-multilingual-light-v3.0");
    private static final Set<String> INPUT_TYPES = Set.of("search_document", "search_query", "classification", "clustering");
    private static final Set<String> TRUNCATE = Set.of("NONE", "START", "END");

    private final Map<String, CohereDataset> datasets = new ConcurrentHashMap<>();
    private final Map<String, CohereEmbedJob> jobs = new ConcurrentHashMap<>();
    private final StoredFiles stored;
    private final CohereJobRunner runner;
    private final JobPool pool;
    private final MiniLmModel model;
    private final FaultInjector faults;
    private final String apiKey;
    private final Supplier<String> baseUrl;
    private final Clock clock;
    private final ExecutorService validation = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cohere-dataset-validation");
        t.setDaemon(true);
        return t;
    });

    CohereApi(StoredFiles stored, CohereJobRunner runner, JobPool pool, MiniLmModel model, FaultInjector faults,
              String apiKey, Supplier<String> baseUrl, Clock clock) {
        this.stored = stored;
        this.runner = runner;
        this.pool = pool;
        this.model = model;
        this.faults = faults;
        this.apiKey = apiKey;
        this.baseUrl = baseUrl;
        this.clock = clock;
    }

    /** Routes {@code path}, the request path without the {@code /cohere} prefix. */
    public Reply handle(String method, String path, HttpCall call) {
        String[] seg = path.split("/");
        String operation = operation(method, path);
        // A part's url works without the key, as the presigned download URLs Cohere hands out do.
        if ("DownloadDatasetPart".equals(operation)) {
            return downloadPart(seg[3], seg[5]);
        }
        BearerToken token = BearerToken.check(call, apiKey);
        if (token != BearerToken.OK) {
            LOG.info("cohere: refused {} {}: {} API key", method, path, token == BearerToken.MISSING ? "no" : "wrong");
            return error(401, token == BearerToken.MISSING ? "no api key supplied" : "invalid api token");
        }
        if (operation == null) {
            return error(404, "Not Found: " + method + " " + path);
        }
        if (faults.throttle("cohere", operation)) {
            return error(429, "You are past the rate limit for this API key (injected throttling). Please try again later.");
        }
        return switch (operation) {
            case "CreateDataset" -> createDataset(call);
            case "ListDatasets" -> listDatasets();
            case "GetDataset" -> withDataset(seg[3], d -> Reply.json(200, Map.of("dataset", d.toJson(baseUrl.get()))));
            case "DeleteDataset" -> withDataset(seg[3], this::deleteDataset);
            case "CreateEmbedJob" -> createJob(call);
            case "ListEmbedJobs" -> listJobs();
            case "GetEmbedJob" -> withJob(seg[3], j -> Reply.json(200, j.toJson()));
            case "CancelEmbedJob" -> withJob(seg[3], this::cancel);
            case "Embed" -> embed(call);
            default -> error(404, "Not Found: " + method + " " + path);
        };
    }

    static String operation(String method, String path) {
        String[] seg = path.split("/");
        if (seg.length < 3 || !"v1".equals(seg[1])) {
            return null;
        }
        return switch (method + " " + seg[2] + "/" + (seg.length - 3)) {
            case "POST datasets/0" -> "CreateDataset";
            case "GET datasets/0" -> "ListDatasets";
            case "GET datasets/1" -> "GetDataset";
            case "DELETE datasets/1" -> "DeleteDataset";
            case "GET datasets/3" -> "parts".equals(seg[4]) ? "DownloadDatasetPart" : null;
            case "POST embed-jobs/0" -> "CreateEmbedJob";
            case "GET embed-jobs/0" -> "ListEmbedJobs";
            case "GET embed-jobs/1" -> "GetEmbedJob";
            case "POST embed-jobs/2" -> "cancel".equals(seg[4]) ? "CancelEmbedJob" : null;
            case "POST embed/0" -> "Embed";
            default -> null;
        };
    }

    private Reply createDataset(HttpCall call) {
        Map<String, List<String>> q = multiQuery(call.rawQuery());
        String name = first(q, "name");
        String type = first(q, "type");
        if (name == null || name.isBlank()) {
            return error(400, "name is required");
        }
        if (!"embed-input".equals(type)) {
            return error(400, "invalid dataset type '" + type + "': the local stand-in takes only embed-input");
        }
        List<String> keepFields = new ArrayList<>();
        for (String value : q.getOrDefault("keep_fields", List.of())) {
            for (String field : value.split(",")) {
                if (!field.isBlank() && !"text".equals(field.trim()) && !keepFields.contains(field.trim())) {
                    keepFields.add(field.trim());
                }
            }
        }
        MultipartForm form;
        try {
            form = MultipartForm.parse(call.header("content-type").orElse(null), call.body());
        } catch (IllegalArgumentException e) {
            return error(400, "invalid upload: " + e.getMessage());
        }
        MultipartForm.Part data = form.part("data").orElse(null);
        if (data == null) {
            return error(400, "the multipart form has no 'data' part (the file to upload)");
        }
        if (data.filename() != null && data.filename().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return error(400, "the local stand-in reads JSONL datasets only, not " + data.filename());
        }
        CohereDataset dataset = new CohereDataset(datasetId(name), name, "embed-input", keepFields, clock.instant());
        stored.put(dataset.rawFileId(), data.body());
        datasets.put(dataset.id(), dataset);
        LOG.info("cohere dataset {} ({}) -> queued ({} bytes, keep_fields {})", dataset.id(), name, data.body().length, keepFields);
        validation.submit(() -> runner.validate(dataset));
        return Reply.json(200, Map.of("id", dataset.id()));
    }

    private Reply listDatasets() {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        datasets.values().stream().sorted(Comparator.comparing(CohereDataset::createdAt).reversed())
                .forEach(d -> list.add(d.toJson(baseUrl.get())));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("datasets", list);
        return Reply.json(200, out);
    }

    private Reply deleteDataset(CohereDataset dataset) {
        datasets.remove(dataset.id());
        stored.delete(dataset.rawFileId());
        stored.delete(dataset.partFileId());
        return Reply.json(200, Map.of());
    }

    private Reply downloadPart(String datasetId, String index) {
        CohereDataset dataset = datasets.get(datasetId);
        if (dataset == null || !"0".equals(index) || !"validated".equals(dataset.status())) {
            return error(404, "no such dataset part: " + datasetId + "/parts/" + index);
        }
        return new Reply(200, Map.of("Content-Type", "application/jsonl"), stored.read(dataset.partFileId()));
    }

    private Reply createJob(HttpCall call) {
        JsonNode body;
        try {
            body = JSON.readTree(call.body());
        } catch (IOException e) {
            return error(400, "invalid request: the body is not valid JSON");
        }
        if (body == null || !body.isObject()) {
            return error(400, "invalid request: the body must be a JSON object");
        }
        String modelName = body.path("model").asText(null);
        if (modelName == null) {
            return error(400, "invalid request: model is required");
        }
        if (!MODELS.contains(modelName)) {
            return error(400, "invalid request: model '" + modelName + "' is not an embed v3 model the local stand-in serves ("
                    + String.join(", ", MODELS.stream().sorted().toList()) + ")");
        }
        String datasetId = body.path("dataset_id").asText(null);
        if (datasetId == null) {
            return error(400, "invalid request: dataset_id is required");
        }
        String inputType = body.path("input_type").asText(null);
        if (inputType == null || !INPUT_TYPES.contains(inputType)) {
            return error(400, "invalid request: input_type must be one of " + String.join(", ", INPUT_TYPES.stream().sorted().toList())
                    + ", not " + inputType);
        }
        JsonNode types = body.get("embedding_types");
        if (types != null && !types.isNull()) {
            if (!types.isArray() || types.isEmpty()) {
                return error(400, "invalid request: embedding_types must be a non-empty array");
            }
            for (JsonNode t : types) {
                if (!"float".equals(t.asText())) {
                    return error(400, "invalid request: the local stand-in produces only 'float' embeddings, not '" + t.asText() + "'");
                }
            }
        }
        String truncate = body.path("truncate").asText("END");
        if (!TRUNCATE.contains(truncate)) {
            return error(400, "invalid request: truncate must be NONE, START or END, not " + truncate);
        }
        CohereDataset input = datasets.get(datasetId);
        if (input == null) {
            return error(404, "dataset " + datasetId + " not found");
        }
        if (!"validated".equals(input.status())) {
            return error(400, "dataset " + datasetId + " is not validated (validation_status " + input.status() + ")");
        }
        String name = body.hasNonNull("name") ? body.get("name").asText() : null;
        CohereEmbedJob job = new CohereEmbedJob(UUID.randomUUID().toString(), name, datasetId, modelName, inputType, truncate,
                clock.instant());
        String outputName = (name == null ? job.id() : name) + "-output";
        CohereDataset output = new CohereDataset(datasetId(outputName), outputName, "embed-result", input.keepFields(),
                clock.instant());
        jobs.put(job.id(), job);
        LOG.info("cohere embed job {} ({}) -> processing (dataset {})", job.id(), job.jobName(), datasetId);
        pool.submit(() -> runner.run(job, input, output, d -> datasets.put(d.id(), d)));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("job_id", job.id());
        out.set("meta", meta());
        return Reply.json(200, out);
    }

    private Reply listJobs() {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        jobs.values().stream().sorted(Comparator.comparing(CohereEmbedJob::createdAt).reversed()).forEach(j -> list.add(j.toJson()));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("embed_jobs", list);
        return Reply.json(200, out);
    }

    private Reply cancel(CohereEmbedJob job) {
        if (!job.requestCancel()) {
            return error(400, "embed job " + job.id() + " is " + job.status() + " and cannot be cancelled");
        }
        LOG.info("cohere embed job {} ({}) -> {}", job.id(), job.jobName(), job.status());
        return Reply.json(200, Map.of());
    }

    /** Cohere v1 {@code /embed}: {@code texts} → {@code embeddings} ({@code float} arrays, or by type when asked). */
    private Reply embed(HttpCall call) {
        JsonNode body;
        try {
            body = JSON.readTree(call.body());
        } catch (IOException e) {
            return error(400, "invalid request: the body is not valid JSON");
        }
        if (body == null || !body.path("texts").isArray() || body.path("texts").isEmpty()) {
            return error(400, "invalid request: texts must be a non-empty array of strings");
        }
        String modelName = body.path("model").asText("embed-english-v3.0");
        if (!MODELS.contains(modelName)) {
            return error(400, "invalid request: model '" + modelName + "' is not served by the local stand-in");
        }
        JsonNode types = body.get("embedding_types");
        ArrayNode vectors = JsonNodeFactory.instance.arrayNode();
        ArrayNode texts = JsonNodeFactory.instance.arrayNode();
        for (JsonNode t : body.get("texts")) {
            if (!t.isTextual() || t.asText().isBlank()) {
                return error(400, "invalid request: every text must be a non-empty string");
            }
            ArrayNode v = vectors.addArray();
            for (float f : model.embed(t.asText()).vector()) {
                v.add(f);
            }
            texts.add(t.asText());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("id", UUID.randomUUID().toString());
        out.set("texts", texts);
        if (types != null && types.isArray()) {
            out.put("response_type", "embeddings_by_type");
            out.putObject("embeddings").set("float", vectors);
        } else {
            out.put("response_type", "embeddings_floats");
            out.set("embeddings", vectors);
        }
        out.set("meta", meta());
        return Reply.json(200, out);
    }

    private interface DatasetAction {
        Reply apply(CohereDataset dataset);
    }

    private interface JobAction {
        Reply apply(CohereEmbedJob job);
    }

    private Reply withDataset(String id, DatasetAction action) {
        CohereDataset dataset = datasets.get(id);
        return dataset == null ? error(404, "dataset " + id + " not found") : action.apply(dataset);
    }

    private Reply withJob(String id, JobAction action) {
        CohereEmbedJob job = jobs.get(id);
        return job == null ? error(404, "embed job " + id + " not found") : action.apply(job);
    }

    public Map<String, CohereEmbedJob> jobs() {
        return jobs;
    }

    static ObjectNode meta() {
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.putObject("api_version").put("version", "1");
        return meta;
    }

    static Reply error(int status, String message) {
        return Reply.json(status, Map.of("message", message));
    }

    /** Cohere-style ids: a slug of the name plus six random characters, e.g. {@code s3-mlbatch-in-jsonl-x7k2qa}. */
    private static String datasetId(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 40) {
            slug = slug.substring(slug.length() - 40).replaceAll("^-+", "");
        }
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(slug.isEmpty() ? "dataset" : slug).append('-');
        for (int i = 0; i < 6; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static Map<String, List<String>> multiQuery(String raw) {
        Map<String, List<String>> out = new java.util.HashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String k = OpenAiApi.decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = OpenAiApi.decode(eq < 0 ? "" : pair.substring(eq + 1));
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        return out;
    }

    private static String first(Map<String, List<String>> q, String key) {
        List<String> values = q.get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public void close() {
        validation.shutdownNow();
    }
}
