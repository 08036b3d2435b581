package dev.mlbatch.plugins.sink.s3;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.AssertTrue;

/**
 * {@code object_key}: the key prefix, which may hold date patterns such as {@code inputs/%{yyyy}/%{MM}/%{dd}/}, and
 * (ours, not upstream) {@code name_from_source}: name objects after the S3 object their records were read from.
 */
public class ObjectKeyOptions {
    @JsonProperty("path_prefix")
    @JsonPropertyDescription("Key prefix, may contain %{...} date patterns (UTC); no leading /. Default empty.")
    private String pathPrefix = "";

    @JsonProperty("name_from_source")
    @JsonPropertyDescription("Name each object after the s3 source object its events came from (bucket, key, ETag, first record's ordinal), so re-runs write the same keys. Not with %{...} in path_prefix. Default false.")
    private boolean nameFromSource = false;

    public String getPathPrefix() {
        return pathPrefix == null ? "" : pathPrefix;
    }

    public boolean isNameFromSource() {
        return nameFromSource;
    }

    @AssertTrue(message = "object_key.name_from_source: true cannot be combined with date patterns %{...} in "
            + "object_key.path_prefix: the time of the write would change the key on every run")
    boolean isNameFromSourceWithoutDatePatterns() {
        return !nameFromSource || pathPrefix == null || !pathPrefix.contains("%{");
    }

    @AssertTrue(message = "object_key.path_prefix must not start with '/' (S3 keys have no leading slash)")
    boolean isPathPrefixValid() {
        return pathPrefix == null || !pathPrefix.startsWith("/");
    }
}
