package dev.mlbatch.bench.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.plugins.mlinference.client.BatchJobService;
import dev.mlbatch.plugins.mlinference.client.BatchPredictResponse;
import dev.mlbatch.plugins.mlinference.client.MlCommonsException;
import dev.mlbatch.plugins.mlinference.client.TaskStatus;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one collaborator {@code bench ledger} replaces: the service that runs the jobs (ML Commons in the processor). It
 * counts every create ({@code _batch_predict}), poll and look-up by name the coordinator sends. Writing the ledger, it
 * answers each poll with a completed Bedrock job, so the coordinator takes every job to its end as it would on a real
 * run; during the replay it runs no job (a poll is answered with a 503) and its counts are the jobs the replay made.
 */
final class CountingJobService implements BatchJobService {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean completeJobs;
    private final AtomicInteger creates = new AtomicInteger();
    private final AtomicInteger lookUps = new AtomicInteger();
    private final AtomicInteger polls = new AtomicInteger();

    /** @param completeJobs true: every job is COMPLETED when first polled; false: polls fail with a 503 */
    CountingJobService(final boolean completeJobs) {
        this.completeJobs = completeJobs;
    }

    @Override
    public BatchPredictResponse batchPredict(final String modelId, final JsonNode body) {
        final int n = creates.incrementAndGet();
        return new BatchPredictResponse(taskId(n), "CREATED", null);
    }

    @Override
    public TaskStatus getTask(final String taskId) throws MlCommonsException {
        polls.incrementAndGet();
        if (!completeJobs) {
            throw new MlCommonsException(503, "bench", "the ledger benchmark's job service runs no jobs (task " + taskId + ")");
        }
        // What ML Commons answers for a finished Bedrock job (remote_job merged from GetModelInvocationJob).
        final ObjectNode remoteJob = JSON.createObjectNode().put("status", "Completed")
                .put("jobArn", "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/" + taskId);
        final Instant now = Instant.now();
        return new TaskStatus(taskId, "COMPLETED", remoteJob, null, now, now);
    }

    @Override
    public Optional<String> findTaskByJobName(final String modelId, final String jobName) {
        lookUps.incrementAndGet();
        return Optional.empty();
    }

    /** An ML Commons-shaped task id (20 characters). */
    private static String taskId(final int n) {
        return String.format("bEnCh%015d", n);
    }

    int creates() {
        return creates.get();
    }

    int lookUps() {
        return lookUps.get();
    }

    int polls() {
        return polls.get();
    }

    @Override
    public String serviceLabel() {
        return "ML Commons (the ledger benchmark's counting stand-in)";
    }

    @Override
    public String describe() {
        return "no service: bench ledger counts the calls it would send";
    }

    @Override
    public void close() {
    }
}
