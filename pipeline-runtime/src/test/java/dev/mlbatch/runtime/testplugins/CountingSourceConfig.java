package dev.mlbatch.runtime.testplugins;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

public final class CountingSourceConfig {
    @JsonProperty("count")
    @NotNull
    @Min(0)
    private Integer count;

    @JsonProperty("acknowledgments")
    private boolean acknowledgments;

    @JsonProperty("run_id")
    private String runId = "default";

    public int getCount() {
        return count;
    }

    public boolean isAcknowledgments() {
        return acknowledgments;
    }

    public String getRunId() {
        return runId;
    }
}
