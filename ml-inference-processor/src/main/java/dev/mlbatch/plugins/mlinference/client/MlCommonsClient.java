package dev.mlbatch.plugins.mlinference.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ML Commons REST calls the processor makes. Every request goes through the configured
 * {@link RequestAuthenticator} (SigV4, basic auth, or none). Non-2xx answers become
 * {@link MlCommonsException}s carrying the status and the OpenSearch error type and reason.
 */
public class MlCommonsClient implements BatchJobService {
    private static final int MAX_REASON_CHARS = 2000;

    private final URI host;
    private final String base;
    private final SdkHttpClient httpClient;
    private final RequestAuthenticator authenticator;
    private final SignedJsonExchange exchange;
    private final ObjectMapper mapper;

    public MlCommonsClient(final URI host, final SdkHttpClient httpClient, final RequestAuthenticator authenticator,
                           final ObjectMapper mapper) {
        this.host = host;
        final String text = host.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.httpClient = httpClient;
        this.authenticator = authenticator;
        this.exchange = new SignedJsonExchange(httpClient, authenticator, "OpenSearch at " + host);
        this.mapper = mapper;
    }

    @Override
    public BatchPredictResponse batchPredict(final String modelId, final JsonNode body) throws MlCommonsException {
        final JsonNode answer = call(SdkHttpMethod.POST, modelPath(modelId, "_batch_predict"), body);
        if (!answer.hasNonNull("task_id")) {
            // ML Commons 2.16 answered with raw provider output and created no task: nothing to track.
            throw new MlCommonsException(200, "no_task_id",
                    "_batch_predict answered without a task_id (ML Commons 2.17+ is required): " + truncate(answer.toString()));
        }
        return new BatchPredictResponse(answer.get("task_id").asText(), answer.path("status").asText(null),
                answer.has("remote_job") ? answer.get("remote_job") : MissingNode.getInstance());
    }

    public JsonNode predict(final String modelId, final JsonNode body) throws MlCommonsException {
        return call(SdkHttpMethod.POST, modelPath(modelId, "_predict"), body);
    }

    @Override
    public TaskStatus getTask(final String taskId) throws MlCommonsException {
        return TaskStatus.fromTaskDocument(taskId, call(SdkHttpMethod.GET, "/_plugins/_ml/tasks/" + encode(taskId), null));
    }

    /**
     * Finds the batch task of a job by its name. The name is in remote_job as TransformJobName / jobName
     * once ML Commons has refreshed the task, and at the end of SageMaker's TransformJobArn right away.
     * Returns the newest match.
     */
    @Override
    public Optional<String> findTaskByJobName(final String modelId, final String jobName) throws MlCommonsException {
        final ObjectNode query = mapper.createObjectNode();
        query.put("size", 10);
        final ArrayNode filter = query.putObject("query").putObject("bool").putArray("filter");
        filter.addObject().putObject("term").put("task_type", "BATCH_PREDICTION");
        filter.addObject().putObject("term").put("model_id", modelId);
        final ObjectNode names = filter.addObject().putObject("bool");
        final ArrayNode should = names.putArray("should");
        should.addObject().putObject("term").put("remote_job.TransformJobName", jobName);
        should.addObject().putObject("term").put("remote_job.jobName", jobName);
        should.addObject().putObject("term").put("remote_job", jobName);
        // OpenAI keeps the name in the batch's metadata, Cohere in the embed job's name.
        should.addObject().putObject("term").put("remote_job.metadata.job_name", jobName);
        should.addObject().putObject("term").put("remote_job.name", jobName);
        should.addObject().putObject("wildcard").put("remote_job.TransformJobArn", "*/" + jobName);
        names.put("minimum_should_match", 1);
        query.putArray("sort").addObject().putObject("create_time").put("order", "desc");
        final JsonNode answer = call(SdkHttpMethod.POST, "/_plugins/_ml/tasks/_search", query);
        for (final JsonNode hit : answer.path("hits").path("hits")) {
            // Verify on our side too: a flat_object term can match a value in another field.
            if (mentionsJobName(hit.path("_source").path("remote_job"), jobName)) {
                return Optional.of(hit.get("_id").asText());
            }
        }
        return Optional.empty();
    }

    /**
     * Finds the batch task whose remote_job holds the provider's job id in {@code field} ({@code id} for OpenAI,
     * {@code job_id} for Cohere): for a job the provider knows by name before ML Commons refreshed the task's name.
     */
    public Optional<String> findTaskByRemoteId(final String modelId, final String field, final String remoteId) throws MlCommonsException {
        final ObjectNode query = mapper.createObjectNode();
        query.put("size", 10);
        final ArrayNode filter = query.putObject("query").putObject("bool").putArray("filter");
        filter.addObject().putObject("term").put("task_type", "BATCH_PREDICTION");
        filter.addObject().putObject("term").put("model_id", modelId);
        filter.addObject().putObject("term").put("remote_job." + field, remoteId);
        query.putArray("sort").addObject().putObject("create_time").put("order", "desc");
        for (final JsonNode hit : call(SdkHttpMethod.POST, "/_plugins/_ml/tasks/_search", query).path("hits").path("hits")) {
            if (remoteId.equals(hit.path("_source").path("remote_job").path(field).asText(null))) {
                return Optional.of(hit.get("_id").asText());
            }
        }
        return Optional.empty();
    }

    /**
     * Batch-predict tasks of any model that ML Commons counts against max_batch_inference_tasks (CREATED or
     * RUNNING), oldest first, at most {@code max}.
     */
    public List<BatchTaskSummary> unfinishedBatchTasks(final int max) throws MlCommonsException {
        final ObjectNode query = mapper.createObjectNode();
        query.put("size", max);
        final ArrayNode filter = query.putObject("query").putObject("bool").putArray("filter");
        filter.addObject().putObject("term").put("task_type", "BATCH_PREDICTION");
        filter.addObject().putObject("terms").putArray("state").add("CREATED").add("RUNNING");
        query.putArray("sort").addObject().putObject("create_time").put("order", "asc");
        final List<BatchTaskSummary> tasks = new ArrayList<>();
        for (final JsonNode hit : call(SdkHttpMethod.POST, "/_plugins/_ml/tasks/_search", query).path("hits").path("hits")) {
            final JsonNode source = hit.path("_source");
            final JsonNode updated = source.path("last_update_time");
            tasks.add(new BatchTaskSummary(hit.path("_id").asText(), source.path("model_id").asText(null), source.path("state").asText(),
                    updated.isNumber() ? Instant.ofEpochMilli(updated.asLong()) : null));
        }
        return tasks;
    }

    private static boolean mentionsJobName(final JsonNode remoteJob, final String jobName) {
        for (final String field : new String[]{"TransformJobName", "jobName", "name"}) {
            if (jobName.equals(remoteJob.path(field).asText(null))) {
                return true;
            }
        }
        if (jobName.equals(remoteJob.path("metadata").path("job_name").asText(null))) {
            return true;
        }
        final String arn = remoteJob.path("TransformJobArn").asText("");
        return arn.endsWith("/" + jobName);
    }

    private JsonNode call(final SdkHttpMethod method, final String path, final JsonNode body) throws MlCommonsException {
        final SignedJsonExchange.Answer answer = exchange.send(method, URI.create(base + path), body);
        final String text = answer.body();
        final int status = answer.status();
        if (status / 100 != 2) {
            // A 403 is about the signature: say how it was signed (service, region; never a key) beside where it went.
            throw errorFrom(status, text, method + " " + path + " at OpenSearch at " + host
                    + (status == 403 ? ", authenticated by " + authenticator.describe() : ""));
        }
        try {
            return text.isBlank() ? mapper.createObjectNode() : mapper.readTree(text);
        } catch (final IOException e) {
            throw new MlCommonsException(status, "unparsable_response", "answer to " + method + " " + path
                    + " is not JSON: " + truncate(text));
        }
    }

    private MlCommonsException errorFrom(final int status, final String text, final String where) {
        try {
            final JsonNode error = mapper.readTree(text);
            final JsonNode envelope = error.path("error");
            if (envelope.isObject()) {
                return new MlCommonsException(status, envelope.path("type").asText(null),
                        truncate(envelope.path("reason").asText(text)), where);
            }
            if (envelope.isTextual()) {
                return new MlCommonsException(status, null, truncate(envelope.asText()), where);
            }
            // Amazon OpenSearch Service answers 403s outside the OpenSearch envelope: {"Message": ...} / {"message": ...}
            for (final String field : new String[]{"Message", "message"}) {
                if (error.hasNonNull(field)) {
                    return new MlCommonsException(status, null, truncate(error.get(field).asText()), where);
                }
            }
        } catch (final IOException | RuntimeException ignored) {
            // not JSON: keep the raw text
        }
        return new MlCommonsException(status, null, truncate(text), where);
    }

    private static String modelPath(final String modelId, final String action) {
        return "/_plugins/_ml/models/" + encode(modelId) + "/" + action;
    }

    private static String encode(final String segment) {
        return java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String truncate(final String text) {
        return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS) + "…";
    }

    public URI host() {
        return host;
    }

    public String authenticationDescription() {
        return authenticator.describe();
    }

    @Override
    public String serviceLabel() {
        return "ML Commons";
    }

    @Override
    public String describe() {
        return "ML Commons at " + host + ", " + authenticator.describe();
    }

    @Override
    public void close() {
        httpClient.close();
    }
}
