package dev.mlbatch.plugins.s3source.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.List;

/** {@code scan.buckets[].bucket}: one bucket (or one part of a bucket, through its filter) to scan. */
public class ScanBucketOptions {
    private static final String S3_URI_PREFIX = "s3://";

    @JsonProperty("name")
    @NotEmpty(message = "scan.buckets[].bucket.name is required")
    @Size(min = 3, max = 500, message = "scan.buckets[].bucket.name must be between 3 and 500 characters")
    private String name;

    /** Null means: use the source's top-level data_selection. */
    @JsonProperty("data_selection")
    private DataSelection dataSelection;

    @JsonProperty("filter")
    @Valid
    private ScanBucketFilter filter;

    @JsonProperty("start_time")
    private LocalDateTime startTime;

    @JsonProperty("end_time")
    private LocalDateTime endTime;

    @JsonProperty("range")
    private Duration range;

    @JsonProperty("processing_conditions")
    @Valid
    private List<ProcessingCondition> processingConditions;

    /** The bucket name without an optional {@code s3://} prefix, as upstream accepts both. */
    public String getName() {
        return name != null && name.startsWith(S3_URI_PREFIX) ? name.substring(S3_URI_PREFIX.length()) : name;
    }

    public DataSelection getDataSelection() {
        return dataSelection;
    }

    public ScanBucketFilter getFilter() {
        return filter == null ? new ScanBucketFilter() : filter;
    }

    /** Sentinels that must say complete before an object of this entry is read; empty means none. */
    public List<ProcessingCondition> getProcessingConditions() {
        return processingConditions == null ? Collections.emptyList() : Collections.unmodifiableList(processingConditions);
    }

    public TimeWindowOptions getTimeWindow() {
        return new TimeWindowOptions(startTime, endTime, range);
    }

    @AssertTrue(message = "scan.buckets[].bucket: at most two of start_time, end_time and range may be set, " +
            "and range cannot be combined with start_time or end_time")
    boolean isTimeWindowValid() {
        return getTimeWindow().isValid();
    }
}
