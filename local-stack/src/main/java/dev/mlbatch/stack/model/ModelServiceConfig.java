package dev.mlbatch.stack.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The model service's adjustable behaviour: job parallelism, state-change delay, Bedrock quotas and
 * fault rules. Read from {@code .mlbatch/model-service.json} at start and replaceable at run time
 * with {@code PUT /_mlbatch/config} (parallelism and quotas take effect for the next job).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelServiceConfig(Integer jobParallelism, Long stateDelayMillis, BedrockQuotas bedrock,
                                 List<FaultRule> faults) {

    public static ModelServiceConfig defaults() {
        return new ModelServiceConfig(1, 0L, BedrockQuotas.defaults(), List.of());
    }

    /** Missing fields take the defaults. */
    public ModelServiceConfig withDefaults() {
        ModelServiceConfig d = defaults();
        return new ModelServiceConfig(
                jobParallelism == null || jobParallelism < 1 ? d.jobParallelism : jobParallelism,
                stateDelayMillis == null || stateDelayMillis < 0 ? d.stateDelayMillis : stateDelayMillis,
                bedrock == null ? d.bedrock : bedrock.withDefaults(),
                faults == null ? List.of() : List.copyOf(faults));
    }

    /** Bedrock batch quotas (per model): records per job and concurrent submitted/in-progress jobs. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BedrockQuotas(Integer minRecordsPerJob, Integer maxRecordsPerJob, Integer maxConcurrentJobs) {
        public static BedrockQuotas defaults() {
            return new BedrockQuotas(100, 50_000, 20);
        }

        BedrockQuotas withDefaults() {
            BedrockQuotas d = defaults();
            return new BedrockQuotas(minRecordsPerJob == null ? d.minRecordsPerJob : minRecordsPerJob,
                    maxRecordsPerJob == null ? d.maxRecordsPerJob : maxRecordsPerJob,
                    maxConcurrentJobs == null ? d.maxConcurrentJobs : maxConcurrentJobs);
        }
    }

    /**
     * One fault: {@code action} is {@code fail}, {@code expire}, {@code partial} (Bedrock
     * PartiallyCompleted) or {@code throttle}; {@code provider} is {@code sagemaker}, {@code bedrock}
     * or {@code any}; {@code jobName} is a regex on the job name (job faults); {@code operation} names
     * the API operation to throttle ({@code CreateTransformJob}, {@code InvokeModel}, ... or
     * {@code *}); {@code count} limits how many times the rule fires (absent: always).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FaultRule(String action, String provider, String jobName, String operation, Integer count,
                            String message) {
    }
}
