package dev.mlbatch.plugins.codec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Options of the {@code ndjson} input codec (as upstream's {@code NdjsonInputConfig}). */
public class NdjsonInputCodecConfig {
    @JsonProperty("include_empty_objects")
    private boolean includeEmptyObjects = false;

    public boolean isIncludeEmptyObjects() {
        return includeEmptyObjects;
    }
}
