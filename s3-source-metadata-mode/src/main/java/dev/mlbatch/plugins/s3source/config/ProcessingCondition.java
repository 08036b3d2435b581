package dev.mlbatch.plugins.s3source.config;

import com.fasterxml.jackson.annotation.JsonProperty;
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
    @NotEmpty(message = "processing_conditions[].object_name is required (the sentinel's name, e.g. manifest.json.out)")
    private String objectName;

    @JsonProperty("when")
    @NotEmpty(message = "processing_conditions[].when is required (an expression on the sentinel's content)")
    private String when;

    @JsonProperty("applicable_prefix")
    private List<String> applicablePrefix;

    @JsonProperty("retry_delay")
    private Duration retryDelay = Duration.ofMinutes(5);

    @JsonProperty("max_retry")
    @Min(value = 0, message = "processing_conditions[].max_retry must be between 0 and 100")
    @Max(value = 100, message = "processing_conditions[].max_retry must be between 0 and 100")
    private int maxRetry = 10;

    @JsonProperty("codec")
    private PluginModel codec;

    /**
     * Ours. False (default): an object is never read before its sentinel says complete; each time another
     * {@code max_retry} checks failed, a WARN names the object and sentinel. True: upstream's behaviour, the object is
     * read as it is once {@code max_retry} retries have not met the condition.
     */
    @JsonProperty("process_after_max_retry")
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
