package dev.mlbatch.plugins.s3enrich.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** {@code bucket.filter}: where in the bucket the source objects live. */
public class S3EnrichKeyPathOption {
    @JsonProperty("include_prefix")
    @JsonPropertyDescription("Key prefix put before the source object's name. Default none.")
    private String includePrefix;

    /** The prefix put before each derived source object name, or null when the objects sit at the bucket's root. */
    public String getIncludePrefix() {
        return includePrefix == null || includePrefix.isBlank() ? null : includePrefix;
    }
}
