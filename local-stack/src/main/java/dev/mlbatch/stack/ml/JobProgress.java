package dev.mlbatch.stack.ml;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a provider's own job status says about a batch job's progress: the records done and in all (only where the
 * provider reports them: Bedrock's {@code processedRecordCount}/{@code totalRecordCount}, OpenAI's
 * {@code request_counts}; SageMaker and Cohere report none), and when the job started and ended. Rates and ETAs are
 * averages since the start the provider reports; nothing is guessed where a count is missing.
 */
public record JobProgress(Provider provider, Long done, Long total, Instant start, Instant end) {

    public enum Provider { SAGEMAKER, BEDROCK, OPENAI, COHERE, UNKNOWN }

    /** Reads ML Commons' {@code remote_job} (the create answer merged with every status answer). */
    public static JobProgress of(JsonNode job) {
        if (job.has("TransformJobName") || job.has("TransformJobArn")) {
            return new JobProgress(Provider.SAGEMAKER, null, null,
                    epochSeconds(job.get("TransformStartTime")), epochSeconds(job.get("TransformEndTime")));
        }
        if (job.has("jobArn")) {
            return new JobProgress(Provider.BEDROCK, count(job.get("processedRecordCount")), count(job.get("totalRecordCount")),
                    iso(job.get("submitTime")), iso(job.get("endTime")));
        }
        if (job.has("request_counts") || "batch".equals(job.path("object").asText())) {
            JsonNode counts = job.path("request_counts");
            Long completed = count(counts.get("completed"));
            Long failed = count(counts.get("failed"));
            Long done = completed == null ? null : completed + (failed == null ? 0 : failed);
            Instant start = epochSeconds(job.get("in_progress_at"));
            Instant end = null;
            for (String f : new String[] {"completed_at", "failed_at", "expired_at", "cancelled_at"}) {
                end = end != null ? end : epochSeconds(job.get(f));
            }
            return new JobProgress(Provider.OPENAI, done, count(counts.get("total")),
                    start != null ? start : epochSeconds(job.get("created_at")), end);
        }
        if (job.has("job_id") && job.has("input_dataset_id")) {
            return new JobProgress(Provider.COHERE, null, null, iso(job.get("created_at")), null);
        }
        return new JobProgress(Provider.UNKNOWN, null, null, null, null);
    }

    /** Whether the provider reports record counts for this job (a total above 0 and a done count). */
    public boolean hasCounts() {
        return done != null && total != null && total > 0;
    }

    /** The time the job has run: start to end, or to {@code now} while it runs; empty without a start. */
    public Optional<Duration> elapsed(Instant now) {
        if (start == null) {
            return Optional.empty();
        }
        Duration d = Duration.between(start, end != null ? end : now);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
    }

    /** Records per second since the start; empty without counts or when no time has passed. */
    public OptionalDouble recordsPerSecond(Instant now) {
        Optional<Duration> elapsed = elapsed(now);
        if (!hasCounts() || elapsed.isEmpty() || elapsed.get().toMillis() <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(done / (elapsed.get().toMillis() / 1000.0));
    }

    /**
     * Time left at the average rate so far: zero once every record is done or the job has ended; empty without
     * counts, or while no record is done yet (a rate of 0 says nothing about the end).
     */
    public Optional<Duration> eta(Instant now) {
        if (!hasCounts()) {
            return Optional.empty();
        }
        if (end != null || done >= total) {
            return Optional.of(Duration.ZERO);
        }
        OptionalDouble rate = recordsPerSecond(now);
        if (rate.isEmpty() || rate.getAsDouble() <= 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(Math.round((total - done) / rate.getAsDouble() * 1000)));
    }

    private static Long count(JsonNode n) {
        // ML Commons' flat_object remote_job gives numbers back as doubles (100.0).
        return n != null && n.isNumber() ? Long.valueOf(n.asLong()) : null;
    }

    private static Instant epochSeconds(JsonNode n) {
        return n != null && n.isNumber() ? Instant.ofEpochMilli(Math.round(n.asDouble() * 1000)) : null;
    }

    private static Instant iso(JsonNode n) {
        if (n == null || !n.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(n.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
