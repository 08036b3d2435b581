package dev.mlbatch.plugins.s3source.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import org.opensearch.dataprepper.model.configuration.PluginModel;

import java.time.Duration;
import java.util.Collections;
import java.util.List;

/**
 * {@code scan.buckets[].bucket.processing_conditions[]}: an object of the entry is read only once a sentinel object
 * next to it ({@code object_name}, in the same "directory") satisfies {@code when}. Upstream's keys and bounds, plus
 * {@code process_after_max_retry} (ours): whether an object whose sentinel never says complete is read anyway.
 */
public class ProcessingCondition {
    static final Duration MIN_RETRY_DELAY = Duration.ofMinutes(1);
    static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(60);

    @JsonProperty("object_name")
    @JsonPropertyDescription("Name of the sentinel object looked up in each object's own folder (out/job-1/a.out -> out/job-1/<object_name>). Required.")
    @NotEmpty(message = "processing_conditions[].object_name is required (the sentinel's name, e.g. manifest.json.out)")
    private String objectName;

    @JsonProperty("when")
    @JsonPropertyDescription("Expression on the sentinel's content that must be true before objects of that folder are read. Required.")
    @NotEmpty(message = "processing_conditions[].when is required (an expression on the sentinel's content)")
    private String when;

    @JsonProperty("applicable_prefix")
    @JsonPropertyDescription("Key prefixes the condition applies to. Default: every object of the bucket entry.")
    private List<String> applicablePrefix;

    @JsonProperty("retry_delay")
    @JsonPropertyDescription("Time between checks of a sentinel that is not yet met, as a duration (1 to 60 minutes). Default PT5M.")
    private Duration retryDelay = Duration.ofMinutes(5);

    @JsonProperty("max_retry")
    @JsonPropertyDescription("Checks before the max-retry handling applies (see process_after_max_retry). 0 to 100, default 10.")
    @Min(value = 0, message = "processing_conditions[].max_retry must be between 0 and 100")
    @Max(value = 100, message = "processing_conditions[].max_retry must be between 0 and 100")
    private int maxRetry = 10;

    @JsonProperty("codec")
    @JsonPropertyDescription("Codec that reads the sentinel; without it the sentinel is read as one JSON object.")
    private PluginModel codec;

    /**
     * Ours. False (default): an object is never read before its sentinel says complete; each time another
     * {@code max_retry} checks failed, a WARN names the object and sentinel. True: upstream's behaviour, the object is
     * read as it is once {@code max_retry} retries have not met the condition.
     */
    @JsonProperty("process_after_max_retry")
    @JsonPropertyDescription("false: an object is never read before its sentinel is met (a warning every max_retry checks); true: read it as it is after max_retry checks. Default false.")
    private boolean processAfterMaxRetry = false;

    public String getObjectName() {
        return objectName;
    }

    public String getWhen() {
        return when;
    }

    /** Empty means every object of the entry. */
    public List<String> getApplicablePrefix() {
        return applicablePrefix == null ? Collections.emptyList() : Collections.unmodifiableList(applicablePrefix);
    }

    public Duration getRetryDelay() {
        return retryDelay;
    }

    public int getMaxRetry() {
        return maxRetry;
    }

    /** Null: the sentinel is parsed as one JSON object. */
    public PluginModel getCodec() {
        return codec;
    }

    public boolean isProcessAfterMaxRetry() {
        return processAfterMaxRetry;
    }

    @AssertTrue(message = "processing_conditions[].retry_delay must be between 1 minute and 60 minutes (PT1M to PT60M)")
    boolean isRetryDelayValid() {
        return retryDelay != null && retryDelay.compareTo(MIN_RETRY_DELAY) >= 0 && retryDelay.compareTo(MAX_RETRY_DELAY) <= 0;
    }
}
