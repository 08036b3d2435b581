package dev.mlbatch.plugins.s3enrich.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** {@code bucket}: the bucket that holds the source objects. */
public class S3EnrichBucketOption {
    @JsonProperty("name")
    @JsonPropertyDescription("Bucket holding the source objects, 3 to 500 characters. Required.")
    @NotNull(message = "bucket.name is required")
    @Size(min = 3, max = 500, message = "bucket.name must be between 3 and 500 characters")
    private String name;

    @JsonProperty("filter")
    @JsonPropertyDescription("Key prefix of the source objects in the bucket.")
    @Valid
    private S3EnrichKeyPathOption filter;

    public String getName() {
        return name;
    }

    /** {@code bucket.filter.include_prefix}, or null. */
    public String getIncludePrefix() {
        return filter == null ? null : filter.getIncludePrefix();
    }
}
