package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;

/**
 * One unit of batch work (one Bedrock object, or one SageMaker group) and its current job attempt.
 * Immutable; every change is a new record appended to the {@link JobLedger}.
 * <p>
 * Work can be derived from other work: the good records of a screened object, the halves of a job that failed
 * for a reason no retry can change, the records a partially completed job left out. Such work names its
 * {@code parent}; {@code generation} counts the derivations since the original objects and {@code follow_ups}
 * the partial-completion follow-ups among them (bounded by max_job_attempts). {@code sources} are the identities
 * of the objects the work stands for besides its own inputs (the screened originals), so a replayed event finds it.
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
                        @JsonProperty("updated_at") Instant updatedAt,
                        @JsonProperty("sources") List<InputObject> sources,
                        @JsonProperty("parent") String parent,
                        @JsonProperty("generation") int generation,
                        @JsonProperty("follow_ups") int followUps,
                        @JsonProperty("record_count") Integer recordCount,
                        @JsonProperty("found_by_name") boolean foundByName) {

    public JobRecord {
        inputs = List.copyOf(inputs);
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    public static JobRecord pending(final String workKey, final List<InputObject> inputs, final String jobName, final Instant now) {
        return new JobRecord(workKey, inputs, 1, jobName, JobState.PENDING, null, null, null, null, now, null, null, now,
                List.of(), null, 0, 0, null, false);
    }

    /** Work on the given inputs, standing for {@code sources} too, with {@code records} records when known. */
    public static JobRecord pending(final String workKey, final List<InputObject> inputs, final List<InputObject> sources,
                                    final Integer records, final String jobName, final Instant now) {
        return new JobRecord(workKey, inputs, 1, jobName, JobState.PENDING, null, null, null, null, now, null, null, now,
                sources, null, 0, 0, records, false);
    }

    /** Work derived from this one (a split part, or the follow-up of a partial job). */
    public JobRecord derive(final String childWorkKey, final List<InputObject> childInputs, final Integer records,
                            final String childJobName, final boolean followUp, final String why, final Instant now) {
        return new JobRecord(childWorkKey, childInputs, 1, childJobName, JobState.PENDING, null, null, null, why, now, null, null, now,
                List.of(), workKey, generation + 1, followUps + (followUp ? 1 : 0), records, false);
    }

    public JobRecord submitting(final Instant now) {
        return new JobRecord(workKey, inputs, attempt, jobName, JobState.SUBMITTING, null, manifestUri, null, null,
                createdAt, null, null, now, sources, parent, generation, followUps, recordCount, foundByName);
    }

    public JobRecord withManifest(final String uri, final Instant now) {
        return new JobRecord(workKey, inputs, attempt, jobName, state, taskId, uri, taskState, reason,
                createdAt, submittedAt, endedAt, now, sources, parent, generation, followUps, recordCount, foundByName);
    }

    public JobRecord submitted(final String newTaskId, final Instant now) {
        return new JobRecord(workKey, inputs, attempt, jobName, JobState.SUBMITTED, newTaskId, manifestUri, "RUNNING", null,
                createdAt, now, null, now, sources, parent, generation, followUps, recordCount, false);
    }

    /** Submitted, but found by name rather than created now: the job may have ended (and its output gone) long ago. */
    public JobRecord foundByName(final String newTaskId, final Instant now) {
        return new JobRecord(workKey, inputs, attempt, jobName, JobState.SUBMITTED, newTaskId, manifestUri, "RUNNING", null,
                createdAt, now, null, now, sources, parent, generation, followUps, recordCount, true);
    }

    public JobRecord completed(final String finalTaskState, final String note, final Instant now) {
        return new JobRecord(workKey, inputs, attempt, jobName, JobState.COMPLETED, taskId, manifestUri, finalTaskState, note,
                createdAt, submittedAt, now, now, sources, parent, generation, followUps, recordCount, foundByName);
    }

    public JobRecord nextAttempt(final String newJobName, final String why, final Instant now) {
        return new JobRecord(workKey, inputs, attempt + 1, newJobName, JobState.PENDING, null, manifestUri, null, why,
                createdAt, null, null, now, sources, parent, generation, followUps, recordCount, false);
    }

    public JobRecord deadLettered(final String finalTaskState, final String why, final Instant now) {
        return new JobRecord(workKey, inputs, attempt, jobName, JobState.DEAD_LETTERED, taskId, manifestUri, finalTaskState, why,
                createdAt, submittedAt, now, now, sources, parent, generation, followUps, recordCount, foundByName);
    }

    /** Replaced by derived work (see {@link JobState#SPLIT}). */
    public JobRecord split(final String finalTaskState, final String why, final Instant now) {
        return new JobRecord(workKey, inputs, attempt, jobName, JobState.SPLIT, taskId, manifestUri, finalTaskState, why,
                createdAt, submittedAt, now, now, sources, parent, generation, followUps, recordCount, foundByName);
    }

    @JsonIgnore
    public boolean isOutstanding() {
        return state == JobState.SUBMITTED;
    }
}
