package dev.mlbatch.plugins.sink.s3;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.AssertTrue;

/** {@code object_key}: the key prefix, which may hold date patterns such as {@code inputs/%{yyyy}/%{MM}/%{dd}/}. */
public class ObjectKeyOptions {
    @JsonProperty("path_prefix")
    private String pathPrefix = "";

    public String getPathPrefix() {
        return pathPrefix == null ? "" : pathPrefix;
    }

    @AssertTrue(message = "object_key.path_prefix must not start with '/' (S3 keys have no leading slash)")
    boolean isPathPrefixValid() {
        return pathPrefix == null || !pathPrefix.startsWith("/");
    }
}
