package dev.mlbatch.plugins.mlinference.client;

import java.time.Instant;

/** A batch-predict task as ML Commons' task index lists it (any model, anyone's). */
public record BatchTaskSummary(String taskId, String modelId, String state, Instant lastUpdateTime) {
}
