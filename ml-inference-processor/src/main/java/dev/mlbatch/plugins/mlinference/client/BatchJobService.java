package dev.mlbatch.plugins.mlinference.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * The service that runs the batch jobs: ML Commons ({@link MlCommonsClient}, over the model's connector) or, for
 * upstream's built-in Bedrock models, Bedrock itself ({@link BedrockJobService}). The calls keep ML Commons' shape:
 * a job is created from a {@code _batch_predict} body ({@code {"parameters": {...}}}), read as a {@link TaskStatus} with
 * ML Commons' task states, and found by its (deterministic) job name. Failures are {@link MlCommonsException}s with
 * the status and error type, so one classifier sorts them for every service.
 */
public interface BatchJobService extends AutoCloseable {
    /** Creates the job; the answer's task id is what {@link #getTask} reads (ML Commons task id, Bedrock job ARN). */
    BatchPredictResponse batchPredict(String modelId, JsonNode body) throws MlCommonsException;

    TaskStatus getTask(String taskId) throws MlCommonsException;

    /** The id of the job with exactly this name, if the service has one. */
    Optional<String> findTaskByJobName(String modelId, String jobName) throws MlCommonsException;

    /**
     * True when a create answers with an existing job instead of refusing a duplicate (Bedrock's clientRequestToken).
     * Such a service is asked by name before every create, so a job that ran before (whose output may be gone since)
     * is known as found, not as new.
     */
    default boolean createReturnsExistingJobs() {
        return false;
    }

    /** Who runs the jobs, for log lines and failure reasons: "ML Commons", "Bedrock". */
    String serviceLabel();

    /** Where requests go and how they are authenticated, never with secrets. */
    String describe();

    @Override
    void close();
}
