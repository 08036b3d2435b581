package dev.mlbatch.plugins.s3enrich.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code bucket.filter}: where in the bucket the source objects live. */
public class S3EnrichKeyPathOption {
    @JsonProperty("include_prefix")
    private String includePrefix;

    /** The prefix put before each derived source object name, or null when the objects sit at the bucket's root. */
    public String getIncludePrefix() {
        return includePrefix == null || includePrefix.isBlank() ? null : includePrefix;
    }
}
