package dev.mlbatch.plugins.s3source.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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
    @JsonPropertyDescription("Bucket name, 3 to 500 characters; a leading s3:// is removed. Required.")
    @NotEmpty(message = "scan.buckets[].bucket.name is required")
    @Size(min = 3, max = 500, message = "scan.buckets[].bucket.name must be between 3 and 500 characters")
    private String name;

    /** Null means: use the source's top-level data_selection. */
    @JsonProperty("data_selection")
    @JsonPropertyDescription("metadata_only, data_only or data_and_metadata for this bucket. Default: the source's data_selection.")
    private DataSelection dataSelection;

    @JsonProperty("filter")
    @JsonPropertyDescription("Prefixes to list and suffixes to skip in this bucket. Default: every key.")
    @Valid
    private ScanBucketFilter filter;

    @JsonProperty("start_time")
    @JsonPropertyDescription("Only objects modified after this ISO local date-time (JVM time zone). Default: the scan's window.")
    private LocalDateTime startTime;

    @JsonProperty("end_time")
    @JsonPropertyDescription("Only objects modified before this ISO local date-time (JVM time zone). Default: the scan's window.")
    private LocalDateTime endTime;

    @JsonProperty("range")
    @JsonPropertyDescription("ISO duration (e.g. P7D): only objects modified within this long before the source started. Default: the scan's window.")
    private Duration range;

    @JsonProperty("processing_conditions")
    @JsonPropertyDescription("Sentinel checks that must pass before an object is read (e.g. a job's manifest). Default none.")
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
