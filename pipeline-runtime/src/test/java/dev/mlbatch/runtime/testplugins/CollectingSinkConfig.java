package dev.mlbatch.runtime.testplugins;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotEmpty;

public final class CollectingSinkConfig {
    @JsonProperty("name")
    @NotEmpty
    private String name;

    @JsonProperty("acknowledge")
    private boolean acknowledge = true;

    public String getName() {
        return name;
    }

    public boolean isAcknowledge() {
        return acknowledge;
    }
}
