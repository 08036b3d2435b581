package dev.mlbatch.plugins.mlinference.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What the processor asks ML Commons to do: start offline batch jobs, or predict in real time. */
public enum ActionType {
    BATCH_PREDICT("batch_predict", "_batch_predict"),
    PREDICT("predict", "_predict");

    private final String optionValue;
    private final String mlCommonsAction;

    ActionType(final String optionValue, final String mlCommonsAction) {
        this.optionValue = optionValue;
        this.mlCommonsAction = mlCommonsAction;
    }

    @JsonCreator
    public static ActionType fromOptionValue(final String value) {
        return Arrays.stream(values())
                .filter(type -> type.optionValue.equalsIgnoreCase(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("action_type must be one of "
                        + Arrays.stream(values()).map(ActionType::optionValue).collect(Collectors.joining(", "))
                        + "; got '" + value + "'"));
    }

    @JsonValue
    public String optionValue() {
        return optionValue;
    }

    /** The last path segment of the ML Commons model endpoint. */
    public String mlCommonsAction() {
        return mlCommonsAction;
    }
}
