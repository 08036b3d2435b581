package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.client.BatchJobService;
import dev.mlbatch.plugins.mlinference.client.MlCommonsException;
import dev.mlbatch.plugins.mlinference.client.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a job's task from ML Commons ({@code GET /_plugins/_ml/tasks/{id}}, which also makes ML Commons
 * refresh the task from the provider and so frees its batch slot as soon as the job ends) — or, for a built-in
 * Bedrock model, the job from Bedrock (GetModelInvocationJob) — and writes one log line per state change.
 */
public class JobTracker {
    private static final Logger LOG = LoggerFactory.getLogger(JobTracker.class);

    private final BatchJobService client;
    private final Map<String, String> lastSeen = new ConcurrentHashMap<>();
    private final Map<String, String> lastError = new ConcurrentHashMap<>();

    public JobTracker(final BatchJobService client) {
        this.client = client;
    }

    public TaskStatus poll(final JobRecord record) throws MlCommonsException {
        final TaskStatus status;
        try {
            status = client.getTask(record.taskId());
        } catch (final MlCommonsException e) {
            // 409: ML Commons' own poller updated the task at the same moment; the next poll reads it.
            if (e.status() != 409 && !Objects.equals(lastError.put(record.jobName(), e.getMessage()), e.getMessage())) {
                LOG.warn("Job {} (task {}): cannot read its state: {}", record.jobName(), record.taskId(), e.getMessage());
            }
            throw e;
        }
        lastError.remove(record.jobName());
        final String seen = status.state() + status.providerStatus().map(p -> " (provider: " + p + ")").orElse("");
        final String before = lastSeen.put(record.jobName(), seen);
        if (!seen.equals(before)) {
            LOG.info("Job {} (task {}, attempt {}): {} -> {}{}", record.jobName(), record.taskId(), record.attempt(),
                    before == null ? "submitted" : before, seen,
                    status.isTerminal() && !status.isSuccessful() ? status.failureReason().map(r -> ": " + r).orElse("") : "");
        }
        if (status.isTerminal()) {
            lastSeen.remove(record.jobName());
        }
        return status;
    }

    public void forget(final JobRecord record) {
        lastSeen.remove(record.jobName());
        lastError.remove(record.jobName());
    }
}
