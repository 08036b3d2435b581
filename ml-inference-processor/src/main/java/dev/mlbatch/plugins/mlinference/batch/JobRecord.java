package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;

/**
 * One unit of batch work (one Bedrock object, or one SageMaker group) and its current job attempt.
 * Immutable; every change is a new record appended to the {@link JobLedger}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRecord(@JsonProperty("work_key") String workKey,
                        @JsonProperty("inputs") List<InputObject> inputs,
                        @JsonProperty("attempt") int attempt,
                        @JsonProperty("job_name") String jobName,
                        @JsonProperty("state") JobState state,
                        @JsonProperty("task_id") String taskId,
                        @JsonProperty("manifest_uri") String manifestUri,
                        @JsonProperty("task_state") String taskState,
                        @JsonProperty("reason") String reason,
                        @JsonProperty("created_at") Instant createdAt,
                        @JsonProperty("submitted_at") Instant submittedAt,
                        @JsonProperty("ended_at") Instant endedAt,
                        @JsonProperty("updated_at") Instant updatedAt) {

    public JobRecord {
        inputs = List.copyOf(inputs);
    }

    public static JobRecord pending(final String workKey, final List<InputObject> inputs, final String jobName, final Instant now) {
        return new JobRecord(workKey, inputs, 1, jobName, JobState.PENDING, null, null, null, null, now, null, null, now);
    }

    public JobRecord submitting(final Instant now) {
        return new JobRecord(workKey, inputs, attempt, jobName, JobState.SUBMITTING, null, manifestUri, null, null,
                createdAt, null, null, now);
    }

    public JobRecord withManifest(final String uri, final Instant now) {
        return new JobRecord(workKey, inputs, attempt, jobName, state, taskId, uri, taskState, reason,
                createdAt, submittedAt, endedAt, now);
    }

    public JobRecord submitted(final String newTaskId, final Instant now) {
        return new JobRecord(workKey, inputs, attempt, jobName, JobState.SUBMITTED, newTaskId, manifestUri, "RUNNING", null,
                createdAt, now, null, now);
    }

    public JobRecord withTaskState(final String newTaskState, final Instant now) {
        return new JobRecord(workKey, inputs, attempt, jobName, state, taskId, manifestUri, newTaskState, reason,
                createdAt, submittedAt, endedAt, now);
    }

    public JobRecord completed(final String finalTaskState, final Instant now) {
        return new JobRecord(workKey, inputs, attempt, jobName, JobState.COMPLETED, taskId, manifestUri, finalTaskState, null,
                createdAt, submittedAt, now, now);
    }

    public JobRecord nextAttempt(final String newJobName, final String why, final Instant now) {
        return new JobRecord(workKey, inputs, attempt + 1, newJobName, JobState.PENDING, null, manifestUri, null, why,
                createdAt, null, null, now);
    }

    public JobRecord deadLettered(final String finalTaskState, final String why, final Instant now) {
        return new JobRecord(workKey, inputs, attempt, jobName, JobState.DEAD_LETTERED, taskId, manifestUri, finalTaskState, why,
                createdAt, submittedAt, now, now);
    }

    @JsonIgnore
    public boolean isOutstanding() {
        return state == JobState.SUBMITTED;
    }
}
