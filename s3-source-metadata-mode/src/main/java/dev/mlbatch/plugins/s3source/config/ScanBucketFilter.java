package dev.mlbatch.plugins.s3source.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.Collections;
import java.util.List;

/** {@code scan.buckets[].bucket.filter}: which keys of the bucket this entry covers. */
public class ScanBucketFilter {
    @JsonProperty("include_prefix")
    @JsonPropertyDescription("Key prefixes to list, one listing each. Default: the whole bucket.")
    private List<String> includePrefix;

    @JsonProperty("exclude_suffix")
    @JsonPropertyDescription("Keys ending with any of these suffixes are skipped. No default.")
    private List<String> excludeSuffix;

    public List<String> getIncludePrefix() {
        return includePrefix == null ? Collections.emptyList() : Collections.unmodifiableList(includePrefix);
    }

    public List<String> getExcludeSuffix() {
        return excludeSuffix == null ? Collections.emptyList() : Collections.unmodifiableList(excludeSuffix);
    }
}
