package dev.mlbatch.plugins.mlinference.client;

import com.fasterxml.jackson.databind.JsonNode;

/** What {@code _batch_predict} answered: the task id and the provider's create answer (remote_job). */
public record BatchPredictResponse(String taskId, String status, JsonNode remoteJob) {
}
