package dev.mlbatch.plugins.sink.s3;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.opensearch.dataprepper.model.types.ByteCount;

import java.time.Duration;

/** {@code threshold}: an object is written when any one of these is reached. */
public class ThresholdOptions {
    static final String DEFAULT_MAXIMUM_SIZE = "50mb";

    @JsonProperty("event_count")
    @JsonPropertyDescription("Events per object, 1 to 10000000. Required.")
    @NotNull(message = "threshold.event_count is required")
    @Min(value = 1, message = "threshold.event_count must be at least 1")
    @Max(value = 10_000_000, message = "threshold.event_count must be at most 10000000")
    private Integer eventCount;

    @JsonProperty("maximum_size")
    @JsonPropertyDescription("Largest object as a byte count (e.g. 50mb), counted before compression. Default 50mb.")
    private ByteCount maximumSize = ByteCount.parse(DEFAULT_MAXIMUM_SIZE);

    @JsonProperty("event_collect_timeout")
    @JsonPropertyDescription("Longest an event waits for its object to be written, as a duration (60s, PT2M). Required.")
    @NotNull(message = "threshold.event_collect_timeout is required, e.g. 60s")
    private Duration eventCollectTimeout;

    public int getEventCount() {
        return eventCount;
    }

    public ByteCount getMaximumSize() {
        return maximumSize;
    }

    public Duration getEventCollectTimeout() {
        return eventCollectTimeout;
    }

    @AssertTrue(message = "threshold.maximum_size must be at least 1b")
    boolean isMaximumSizeValid() {
        return maximumSize == null || maximumSize.getBytes() > 0;
    }

    @AssertTrue(message = "threshold.event_collect_timeout must be positive")
    boolean isEventCollectTimeoutValid() {
        return eventCollectTimeout == null || (!eventCollectTimeout.isNegative() && !eventCollectTimeout.isZero());
    }
}
