package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** One Bedrock model invocation job: the create request, status and record counts. */
public final class InvocationJob {

    private static final Set<String> ACTIVE = Set.of("Submitted", "Validating", "Scheduled", "InProgress");
    private static final Set<String> TERMINAL = Set.of("Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired");

    private final String id;
    private final String arn;
    private final ObjectNode request;
    private final Instant submitTime;
    private volatile String status = "Submitted";
    private volatile String message;
    private volatile Instant lastModifiedTime;
    private volatile Instant endTime;
    private volatile boolean stopRequested;
    final AtomicInteger total = new AtomicInteger();
    final AtomicInteger processed = new AtomicInteger();
    final AtomicInteger success = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    final AtomicInteger inputTokens = new AtomicInteger();

    public InvocationJob(String id, String arn, ObjectNode request, Instant submitTime) {
        this.id = id;
        this.arn = arn;
        this.request = request;
        this.submitTime = submitTime;
        this.lastModifiedTime = submitTime;
    }

    public String id() { return id; }
    public String arn() { return arn; }
    public ObjectNode request() { return request; }
    public String status() { return status; }
    public Instant submitTime() { return submitTime; }
    public boolean stopRequested() { return stopRequested; }
    public String jobName() { return request.path("jobName").asText(); }
    public String modelId() { return request.path("modelId").asText(); }
    public String clientRequestToken() { return request.path("clientRequestToken").asText(null); }

    /** Counts against the concurrent-jobs quota ("in-progress and submitted"). */
    public boolean isActive() {
        return ACTIVE.contains(status);
    }

    public boolean isTerminal() {
        return TERMINAL.contains(status);
    }

    public synchronized void moveTo(String next, String why, Instant at) {
        if (isTerminal()) {
            return;
        }
        status = next;
        if (why != null) {
            message = why;
        }
        lastModifiedTime = at;
        if (TERMINAL.contains(next)) {
            endTime = at;
        }
    }

    /** How the job ended, with its counts, for the service's job journal ({@link #restoreEnd} reads it back). */
    synchronized ObjectNode endRecord() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("status", status);
        if (message != null) {
            out.put("message", message);
        }
        out.put("ended", (endTime == null ? lastModifiedTime : endTime).toString());
        out.put("total", total.get());
        out.put("processed", processed.get());
        out.put("success", success.get());
        out.put("errors", errors.get());
        out.put("inputTokens", inputTokens.get());
        return out;
    }

    /** A job that had ended before the service restarted: its status, message, end time and counts as recorded. */
    synchronized void restoreEnd(JsonNode end) {
        total.set(end.path("total").asInt());
        processed.set(end.path("processed").asInt());
        success.set(end.path("success").asInt());
        errors.set(end.path("errors").asInt());
        inputTokens.set(end.path("inputTokens").asInt());
        moveTo(end.path("status").asText(), end.path("message").asText(null), Instant.parse(end.path("ended").asText()));
    }

    public synchronized boolean requestStop(Instant at) {
        if (isTerminal()) {
            return false;
        }
        stopRequested = true;
        status = "Stopping";
        lastModifiedTime = at;
        return true;
    }

    public synchronized ObjectNode describe() {
        ObjectNode out = summary();
        if (total.get() > 0 || processed.get() > 0) {
            out.put("totalRecordCount", total.get());
            out.put("processedRecordCount", processed.get());
            out.put("successRecordCount", success.get());
            out.put("errorRecordCount", errors.get());
        }
        return out;
    }

    public synchronized ObjectNode summary() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("jobArn", arn);
        out.put("jobName", jobName());
        out.put("modelId", modelId());
        if (clientRequestToken() != null) {
            out.put("clientRequestToken", clientRequestToken());
        }
        out.put("roleArn", request.path("roleArn").asText());
        out.put("status", status);
        if (message != null) {
            out.put("message", message);
        }
        out.put("submitTime", submitTime.toString());
        out.put("lastModifiedTime", lastModifiedTime.toString());
        if (endTime != null) {
            out.put("endTime", endTime.toString());
        }
        out.set("inputDataConfig", request.path("inputDataConfig").deepCopy());
        out.set("outputDataConfig", request.path("outputDataConfig").deepCopy());
        JsonNode hours = request.get("timeoutDurationInHours");
        int timeout = hours == null ? 168 : hours.asInt(168);
        out.put("timeoutDurationInHours", timeout);
        out.put("jobExpirationTime", submitTime.plus(Duration.ofHours(timeout)).toString());
        out.put("modelInvocationType", request.path("modelInvocationType").asText("InvokeModel"));
        return out;
    }
}
