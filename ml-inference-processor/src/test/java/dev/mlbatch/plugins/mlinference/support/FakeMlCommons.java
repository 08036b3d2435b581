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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A JDK HttpServer standing in for ML Commons in unit tests, with the behaviour the processor depends on
 * (as local-components.md records it for the real 2.19.1): a cluster-wide limit of running batch tasks
 * answered with the real 429 text, a slot freed only when a task GET changes the task's state, the
 * provider's duplicate-name answer passed through as a 400, 404 for unknown models.
 */
public final class FakeMlCommons implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public record Received(String method, String path, Map<String, List<String>> headers, String body) {
    }

    private final class Task {
        final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        final String jobName;
        final long createdNanos = System.nanoTime();
        volatile String state = "RUNNING";
        String failureReason = "AlgorithmError: the container ran out of memory";
        boolean partial;

        Task(final String jobName) {
            this.jobName = jobName;
        }
    }

    private final HttpServer server;
    private final String modelId;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Task> tasksById = new ConcurrentHashMap<>();
    private final Map<String, Task> tasksByJobName = new ConcurrentHashMap<>();
    private final List<String> jobsCreated = new CopyOnWriteArrayList<>();
    private final Set<String> failingJobNames = Collections.synchronizedSet(new HashSet<>());
    private final Map<java.util.function.Predicate<String>, String> failureRules = new ConcurrentHashMap<>();
    private final Set<String> partialBodyParts = Collections.synchronizedSet(new HashSet<>());
    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    private volatile int maxRunning = Integer.MAX_VALUE;
    private volatile Duration jobDuration = Duration.ofMillis(300);
    private volatile int failNextBatchPredictWith = 0;
    private volatile String failNextBatchPredictBody;

    public FakeMlCommons(final String modelId) throws IOException {
        this.modelId = modelId;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeMlCommons maxRunningTasks(final int limit) {
        this.maxRunning = limit;
        return this;
    }

    public FakeMlCommons jobDuration(final Duration duration) {
        this.jobDuration = duration;
        return this;
    }

    public FakeMlCommons failJob(final String jobName) {
        failingJobNames.add(jobName);
        return this;
    }

    /** Jobs whose _batch_predict body contains {@code bodyPart} fail with {@code reason}. */
    public FakeMlCommons failJobsReading(final String bodyPart, final String reason) {
        return failJobsWhen(body -> body.contains(bodyPart), reason);
    }

    /** Jobs whose _batch_predict body satisfies {@code condition} fail with {@code reason}. */
    public FakeMlCommons failJobsWhen(final java.util.function.Predicate<String> condition, final String reason) {
        failureRules.put(condition, reason);
        return this;
    }

    /** Jobs whose _batch_predict body contains {@code bodyPart} end COMPLETED with Bedrock status PartiallyCompleted. */
    public FakeMlCommons partiallyCompleteJobsReading(final String bodyPart) {
        partialBodyParts.add(bodyPart);
        return this;
    }

    /** The _batch_predict body that created the job. */
    public String bodyOf(final String jobName) {
        return bodies.get(jobName);
    }

    public FakeMlCommons failNextBatchPredict(final int status, final String body) {
        this.failNextBatchPredictWith = status;
        this.failNextBatchPredictBody = body;
        return this;
    }

    /** Every job name the provider accepted, in order (a duplicate would appear twice). */
    public List<String> jobsCreated() {
        return List.copyOf(jobsCreated);
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(final String pathPart) {
        return received.stream().filter(r -> r.path().contains(pathPart)).toList();
    }

    public int maxRunningSeen() {
        return maxRunningSeen;
    }

    private volatile int maxRunningSeen;

    private synchronized void handle(final HttpExchange exchange) throws IOException {
        final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        final String path = exchange.getRequestURI().getPath();
        received.add(new Received(exchange.getRequestMethod(), path, Map.copyOf(exchange.getRequestHeaders()), body));
        try {
            if (path.startsWith("/_plugins/_ml/models/") && path.endsWith("/_batch_predict")) {
                batchPredict(exchange, path, body);
            } else if (path.equals("/_plugins/_ml/tasks/_search")) {
                search(exchange, body);
            } else if (path.startsWith("/_plugins/_ml/tasks/")) {
                getTask(exchange, path.substring("/_plugins/_ml/tasks/".length()));
            } else if (path.startsWith("/_plugins/_ml/models/") && path.endsWith("/_predict")) {
                predict(exchange, path, body);
            } else {
                reply(exchange, 400, error("illegal_argument_exception", "no handler for " + path, 400));
            }
        } catch (final RuntimeException e) {
            reply(exchange, 500, error("exception", e.toString(), 500));
        }
    }

    private void batchPredict(final HttpExchange exchange, final String path, final String body) throws IOException {
        if (!path.equals("/_plugins/_ml/models/" + modelId + "/_batch_predict")) {
            reply(exchange, 404, error("status_exception", "Failed to find model", 404));
            return;
        }
        if (failNextBatchPredictWith != 0) {
            final int status = failNextBatchPredictWith;
            failNextBatchPredictWith = 0;
            reply(exchange, status, failNextBatchPredictBody);
            return;
        }
        final long running = tasksById.values().stream().filter(t -> t.state.equals("RUNNING")).count();
        if (running >= maxRunning) {
            reply(exchange, 429, error("status_exception", "Exceeded maximum limit for BATCH_PREDICTION tasks. To increase the limit, "
                    + "update the plugins.ml_commons.max_batch_inference_tasks setting.", 429));
            return;
        }
        final JsonNode parameters = MAPPER.readTree(body).path("parameters");
        final String jobName = parameters.has("TransformJobName") ? parameters.get("TransformJobName").asText() : parameters.path("jobName").asText();
        if (tasksByJobName.containsKey(jobName)) {
            reply(exchange, 400, error("status_exception", "Error from remote service: {\"__type\":\"ResourceInUse\",\"message\":\"Job name must be "
                    + "unique within an AWS account and region, and a job with this name already exists (" + jobName + ")\"}", 400));
            return;
        }
        final Task task = new Task(jobName);
        bodies.put(jobName, body);
        failureRules.forEach((condition, reason) -> {
            if (condition.test(body)) {
                failingJobNames.add(jobName);
                task.failureReason = reason;
            }
        });
        task.partial = partialBodyParts.stream().anyMatch(body::contains);
        tasksById.put(task.id, task);
        tasksByJobName.put(jobName, task);
        jobsCreated.add(jobName);
        maxRunningSeen = (int) Math.max(maxRunningSeen, running + 1);
        final ObjectNode answer = MAPPER.createObjectNode();
        answer.put("task_id", task.id);
        answer.put("status", "CREATED");
        answer.putObject("remote_job").put("TransformJobArn", "arn:aws:sagemaker:us-east-1:123456789012:transform-job/" + jobName).putNull("dlq");
        reply(exchange, 200, answer.toString());
    }

    private void getTask(final HttpExchange exchange, final String taskId) throws IOException {
        final Task task = tasksById.get(taskId);
        if (task == null) {
            reply(exchange, 404, error("status_exception", "Failed to find task", 404));
            return;
        }
        // Like ML Commons: a GET refreshes the task from the provider, which frees its slot when it ended.
        if (task.state.equals("RUNNING") && System.nanoTime() - task.createdNanos >= jobDuration.toNanos()) {
            task.state = failingJobNames.contains(task.jobName) ? "FAILED" : "COMPLETED";
        }
        reply(exchange, 200, taskDocument(task).toString());
    }

    private ObjectNode taskDocument(final Task task) {
        final ObjectNode doc = MAPPER.createObjectNode();
        doc.put("model_id", modelId);
        doc.put("task_type", "BATCH_PREDICTION");
        doc.put("function_name", "REMOTE");
        doc.put("state", task.state);
        doc.put("create_time", System.currentTimeMillis());
        doc.put("last_update_time", System.currentTimeMillis());
        doc.put("is_async", false);
        final ObjectNode remote = doc.putObject("remote_job");
        remote.put("TransformJobName", task.jobName);
        remote.put("TransformJobArn", "arn:aws:sagemaker:us-east-1:123456789012:transform-job/" + task.jobName);
        if (!task.partial) {
            remote.put("TransformJobStatus", switch (task.state) {
                case "COMPLETED" -> "Completed";
                case "FAILED" -> "Failed";
                default -> "InProgress";
            });
        }
        if (task.state.equals("FAILED")) {
            remote.put("FailureReason", task.failureReason);
        }
        // Bedrock's fields, as ML Commons merges GetModelInvocationJob into remote_job.
        remote.put("jobArn", "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/" + task.jobName);
        if (task.state.equals("COMPLETED")) {
            remote.put("status", task.partial ? "PartiallyCompleted" : "Completed");
        }
        return doc;
    }

    private void search(final HttpExchange exchange, final String body) throws IOException {
        final JsonNode query = MAPPER.readTree(body);
        final List<String> names = new ArrayList<>();
        query.findValues("remote_job.TransformJobName").forEach(n -> names.add(n.asText()));
        final ObjectNode answer = MAPPER.createObjectNode();
        final ArrayNode hits = answer.putObject("hits").putArray("hits");
        for (final String name : names) {
            final Task task = tasksByJobName.get(name);
            if (task != null) {
                hits.addObject().put("_id", task.id).set("_source", taskDocument(task));
            }
        }
        reply(exchange, 200, answer.toString());
    }

    private void predict(final HttpExchange exchange, final String path, final String body) throws IOException {
        if (!path.equals("/_plugins/_ml/models/" + modelId + "/_predict")) {
            reply(exchange, 404, error("status_exception", "Failed to find model", 404));
            return;
        }
        final JsonNode input = MAPPER.readTree(body).path("parameters").path("input");
        final ObjectNode answer = MAPPER.createObjectNode();
        final ArrayNode output = answer.putArray("inference_results").addObject().putArray("output");
        for (final JsonNode text : input) {
            if (text.asText().contains("poison")) {
                reply(exchange, 400, error("status_exception", "Error from remote service: bad input", 400));
                return;
            }
            final ArrayNode data = output.addObject().put("name", "sentence_embedding").put("data_type", "FLOAT32").putArray("data");
            data.add(text.asText().length());
            data.add(0.5);
        }
        reply(exchange, 200, answer.toString());
    }

    private static String error(final String type, final String reason, final int status) {
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

    public Map<String, String> taskStates() {
        final Map<String, String> states = new LinkedHashMap<>();
        tasksByJobName.forEach((name, task) -> states.put(name, task.state));
        return states;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
