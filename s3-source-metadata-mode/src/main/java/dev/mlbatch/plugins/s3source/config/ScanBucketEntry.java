package dev.mlbatch.plugins.s3source.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** One item of {@code scan.buckets}: a map with the single key {@code bucket}, as upstream writes it. */
public class ScanBucketEntry {
    @JsonProperty("bucket")
    @JsonPropertyDescription("One bucket to scan: name, filter, data_selection, time window, processing conditions. Required in each entry.")
    @NotNull(message = "each scan.buckets item needs a bucket: {name: ...} block")
    @Valid
    private ScanBucketOptions bucket;

    public ScanBucketOptions getBucket() {
        return bucket;
    }
}
