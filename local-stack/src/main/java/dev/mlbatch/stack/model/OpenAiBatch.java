package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One OpenAI batch: validating → in_progress → finalizing → completed, or failed (validation), expired, cancelling →
 * cancelled. Timestamps are Unix seconds, as OpenAI sends them.
 */
final class OpenAiBatch {

    static final Set<String> TERMINAL = Set.of("completed", "failed", "expired", "cancelled");
    private static final long DAY = 24 * 3600;

    private final String id;
    private final String inputFileId;
    private final String endpoint;
    private final String completionWindow;
    private final JsonNode metadata;
    private final long createdAt;
    private String status = "validating";
    private String model;
    private ArrayNode errors;
    private String outputFileId;
    private String errorFileId;
    private Long inProgressAt;
    private Long finalizingAt;
    private Long completedAt;
    private Long failedAt;
    private Long expiredAt;
    private Long cancellingAt;
    private Long cancelledAt;
    final AtomicInteger total = new AtomicInteger();
    final AtomicInteger completed = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();

    OpenAiBatch(String id, String inputFileId, String endpoint, String completionWindow, JsonNode metadata, long createdAt) {
        this.id = id;
        this.inputFileId = inputFileId;
        this.endpoint = endpoint;
        this.completionWindow = completionWindow;
        this.metadata = metadata == null || metadata.isNull() ? null : metadata.deepCopy();
        this.createdAt = createdAt;
    }

    String id() { return id; }
    String inputFileId() { return inputFileId; }
    String endpoint() { return endpoint; }
    long createdAt() { return createdAt; }

    synchronized String status() {
        return status;
    }

    /** What fault rules match: the job name the client put in {@code metadata}, else the batch id. */
    String jobName() {
        return metadata != null && metadata.path("job_name").isTextual() ? metadata.path("job_name").asText() : id;
    }

    synchronized boolean cancelRequested() {
        return "cancelling".equals(status);
    }

    synchronized boolean isTerminal() {
        return TERMINAL.contains(status);
    }

    synchronized void setModel(String model) {
        this.model = model;
    }

    /** Moves on unless the batch is being cancelled or has ended; false then. */
    synchronized boolean advance(String next, long now) {
        if (cancelRequested() || isTerminal()) {
            return false;
        }
        status = next;
        switch (next) {
            case "in_progress" -> inProgressAt = now;
            case "finalizing" -> finalizingAt = now;
            default -> { }
        }
        return true;
    }

    synchronized void complete(String outputFile, String errorFile, long now) {
        if (isTerminal()) {
            return;
        }
        outputFileId = outputFile;
        errorFileId = errorFile;
        if (cancelRequested()) {
            status = "cancelled";
            cancelledAt = now;
        } else {
            status = "completed";
            completedAt = now;
        }
    }

    synchronized void fail(ArrayNode errorList, long now) {
        if (isTerminal()) {
            return;
        }
        errors = errorList;
        status = "failed";
        failedAt = now;
    }

    synchronized void expire(String outputFile, String errorFile, long now) {
        if (isTerminal()) {
            return;
        }
        outputFileId = outputFile;
        errorFileId = errorFile;
        status = "expired";
        expiredAt = now;
    }

    /** Ends a batch whose cancel came before any line ran. */
    synchronized void cancelled(long now) {
        if (!isTerminal()) {
            status = "cancelled";
            cancelledAt = now;
        }
    }

    /**
     * validating/in_progress/finalizing → cancelling; already cancelling → unchanged. Returns the batch as it stood
     * right after the request (taken under the same lock: the runner may end the batch a moment later, and the
     * cancel's answer must still say "cancelling", as OpenAI's does), or empty when it had ended.
     */
    synchronized Optional<ObjectNode> requestCancel(long now) {
        if (isTerminal()) {
            return Optional.empty();
        }
        if (!cancelRequested()) {
            status = "cancelling";
            cancellingAt = now;
        }
        return Optional.of(toJson());
    }

    synchronized ObjectNode toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("id", id);
        out.put("object", "batch");
        out.put("endpoint", endpoint);
        out.put("model", model);
        out.set("errors", errors == null ? null : JsonNodeFactory.instance.objectNode().put("object", "list").set("data", errors));
        out.put("input_file_id", inputFileId);
        out.put("completion_window", completionWindow);
        out.put("status", status);
        out.put("output_file_id", outputFileId);
        out.put("error_file_id", errorFileId);
        out.put("created_at", createdAt);
        out.put("in_progress_at", inProgressAt);
        out.put("expires_at", createdAt + DAY);
        out.put("finalizing_at", finalizingAt);
        out.put("completed_at", completedAt);
        out.put("failed_at", failedAt);
        out.put("expired_at", expiredAt);
        out.put("cancelling_at", cancellingAt);
        out.put("cancelled_at", cancelledAt);
        ObjectNode counts = out.putObject("request_counts");
        counts.put("total", total.get());
        counts.put("completed", completed.get());
        counts.put("failed", failed.get());
        out.set("metadata", metadata == null ? null : metadata.deepCopy());
        return out;
    }
}
