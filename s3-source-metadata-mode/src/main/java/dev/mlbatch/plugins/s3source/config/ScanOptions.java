package dev.mlbatch.plugins.s3source.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.List;

/** The source's {@code scan} block. */
public class ScanOptions {
    @JsonProperty("start_time")
    @JsonPropertyDescription("Only objects modified after this ISO local date-time (JVM time zone). No default.")
    private LocalDateTime startTime;

    @JsonProperty("end_time")
    @JsonPropertyDescription("Only objects modified before this ISO local date-time (JVM time zone); not with scheduling. No default.")
    private LocalDateTime endTime;

    @JsonProperty("range")
    @JsonPropertyDescription("ISO duration (e.g. P7D): only objects modified within this long before the source started; not with start_time or end_time.")
    private Duration range;

    @JsonProperty("acknowledgment_timeout")
    @JsonPropertyDescription("An object not fully acknowledged within this duration counts as negatively acknowledged. Default PT2H.")
    @NotNull(message = "scan.acknowledgment_timeout cannot be null")
    private Duration acknowledgmentTimeout = Duration.ofHours(2);

    @JsonProperty("scheduling")
    @JsonPropertyDescription("Repeat the scan: interval between scans and how many. Default: one scan per start.")
    @Valid
    private SchedulingOptions scheduling;

    @JsonProperty("buckets")
    @JsonPropertyDescription("The bucket entries to scan, at least one. Required.")
    @NotEmpty(message = "scan.buckets must name at least one bucket")
    @Valid
    private List<ScanBucketEntry> buckets;

    public TimeWindowOptions getTimeWindow() {
        return new TimeWindowOptions(startTime, endTime, range);
    }

    public Duration getAcknowledgmentTimeout() {
        return acknowledgmentTimeout;
    }

    /** Null when the scan runs once. */
    public SchedulingOptions getScheduling() {
        return scheduling;
    }

    public List<ScanBucketEntry> getBuckets() {
        return buckets == null ? Collections.emptyList() : Collections.unmodifiableList(buckets);
    }

    @AssertTrue(message = "scan: at most two of start_time, end_time and range may be set, " +
            "and range cannot be combined with start_time or end_time")
    boolean isTimeWindowValid() {
        return getTimeWindow().isValid();
    }

    @AssertTrue(message = "scan: with scheduling, end_time is not allowed (later scans would find nothing new)")
    boolean isEndTimeAbsentWhenScheduled() {
        return scheduling == null || endTime == null;
    }
}
