package dev.mlbatch.plugins.s3source.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** One item of {@code scan.buckets}: a map with the single key {@code bucket}, as upstream writes it. */
public class ScanBucketEntry {
    @JsonProperty("bucket")
    @NotNull(message = "each scan.buckets item needs a bucket: {name: ...} block")
    @Valid
    private ScanBucketOptions bucket;

    public ScanBucketOptions getBucket() {
        return bucket;
    }
}
