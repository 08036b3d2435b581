package dev.mlbatch.plugins.file;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotEmpty;

/** Options of the {@code file} sink (as upstream's {@code FileSinkConfig}). */
public class FileSinkConfig {
    @JsonProperty("path")
    @NotEmpty(message = "path is required: the file to write")
    private String path;

    @JsonProperty("append")
    private boolean append = false;

    public String getPath() {
        return path;
    }

    /** Keep what the file holds and add to it (true), or start it empty (false). */
    public boolean getAppend() {
        return append;
    }
}
