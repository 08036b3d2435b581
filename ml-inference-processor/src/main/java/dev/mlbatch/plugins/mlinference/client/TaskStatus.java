package dev.mlbatch.plugins.mlinference.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.time.Instant;
import java.util.Optional;

/** One answer of {@code GET /_plugins/_ml/tasks/{id}}: the ML Commons state plus what the provider said. */
public record TaskStatus(String taskId, String state, JsonNode remoteJob, String error,
                         Instant createTime, Instant lastUpdateTime) {

    public static TaskStatus fromTaskDocument(final String taskId, final JsonNode document) {
        return new TaskStatus(taskId,
                document.path("state").asText("UNKNOWN"),
                document.has("remote_job") ? document.get("remote_job") : MissingNode.getInstance(),
                document.hasNonNull("error") ? document.get("error").asText() : null,
                epochMillis(document.get("create_time")),
                epochMillis(document.get("last_update_time")));
    }

    public boolean isTerminal() {
        return switch (state) {
            case "COMPLETED", "COMPLETED_WITH_ERROR", "FAILED", "CANCELLED", "EXPIRED", "UNREACHABLE" -> true;
            default -> false;
        };
    }

    public boolean isSuccessful() {
        return "COMPLETED".equals(state) || "COMPLETED_WITH_ERROR".equals(state);
    }

    /** Worth another attempt: the job ran and failed, ran out of time, or ML Commons lost touch with it. */
    public boolean isRetryableFailure() {
        return "FAILED".equals(state) || "EXPIRED".equals(state) || "UNREACHABLE".equals(state);
    }

    /** SageMaker's TransformJobStatus or Bedrock's status, as ML Commons merged it into remote_job. */
    public Optional<String> providerStatus() {
        for (final String field : new String[]{"TransformJobStatus", "status", "Status"}) {
            if (remoteJob.hasNonNull(field)) {
                return Optional.of(remoteJob.get(field).asText());
            }
        }
        return Optional.empty();
    }

    /** Why the job failed, from the provider (FailureReason / message) or ML Commons (error). */
    public Optional<String> failureReason() {
        for (final String field : new String[]{"FailureReason", "message", "failureReason"}) {
            if (remoteJob.hasNonNull(field) && !remoteJob.get(field).asText().isBlank()) {
                return Optional.of(remoteJob.get(field).asText());
            }
        }
        // OpenAI: a failed batch lists why in errors.data[] ({code, message, line}); a line is named "line N of <input>"
        // (the input is in the batch's metadata) so that the repair can take that record out and go on with the rest.
        final StringBuilder openAiErrors = new StringBuilder();
        final String inputUri = remoteJob.path("metadata").path("input_uri").asText("");
        for (final JsonNode item : remoteJob.path("errors").path("data")) {
            if (item.hasNonNull("message")) {
                openAiErrors.append(openAiErrors.length() == 0 ? "" : "; ")
                        .append(item.hasNonNull("code") ? item.get("code").asText() + ": " : "")
                        .append(item.get("message").asText())
                        .append(item.hasNonNull("line") ? " (line " + item.get("line").asText()
                                + (inputUri.isEmpty() ? "" : " of " + inputUri) + ")" : "");
            }
        }
        if (openAiErrors.length() > 0) {
            return Optional.of(openAiErrors.toString());
        }
        return Optional.ofNullable(error);
    }

    private static Instant epochMillis(final JsonNode node) {
        return node == null || !node.isNumber() ? null : Instant.ofEpochMilli(node.asLong());
    }
}
