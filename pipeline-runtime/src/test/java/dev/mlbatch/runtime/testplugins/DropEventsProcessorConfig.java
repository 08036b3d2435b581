package dev.mlbatch.runtime.testplugins;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotEmpty;

public final class DropEventsProcessorConfig {
    @JsonProperty("drop_when")
    @NotEmpty
    private String dropWhen;

    public String getDropWhen() {
        return dropWhen;
    }
}
