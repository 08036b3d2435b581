package dev.mlbatch.plugins.s3source.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/** {@code scan.scheduling}: repeat the scan every {@code interval}, {@code count} times in all. */
public class SchedulingOptions {
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MAX_INTERVAL = Duration.ofDays(365);

    @JsonProperty("interval")
    @JsonPropertyDescription("Time between the starts of two scans, as a duration (1 second to 365 days). Required with scheduling.")
    @NotNull(message = "scan.scheduling.interval is required")
    private Duration interval;

    @JsonProperty("count")
    @JsonPropertyDescription("Total number of scans, at least 1. Default unlimited.")
    @Min(value = 1, message = "scan.scheduling.count must be at least 1")
    private int count = Integer.MAX_VALUE;

    public Duration getInterval() {
        return interval;
    }

    public int getCount() {
        return count;
    }

    @AssertTrue(message = "scan.scheduling.interval must be between 1 second and 365 days")
    boolean isIntervalInRange() {
        return interval == null || (interval.compareTo(MIN_INTERVAL) >= 0 && interval.compareTo(MAX_INTERVAL) <= 0);
    }
}
