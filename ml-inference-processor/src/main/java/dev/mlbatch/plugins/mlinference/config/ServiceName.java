package dev.mlbatch.plugins.mlinference.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The provider behind the ML Commons connector; decides the request body and the job grouping. */
public enum ServiceName {
    SAGEMAKER("sagemaker"),
    BEDROCK("bedrock");

    private final String optionValue;

    ServiceName(final String optionValue) {
        this.optionValue = optionValue;
    }

    @JsonCreator
    public static ServiceName fromOptionValue(final String value) {
        return Arrays.stream(values())
                .filter(name -> name.optionValue.equalsIgnoreCase(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("service_name must be one of "
                        + Arrays.stream(values()).map(ServiceName::optionValue).collect(Collectors.joining(", "))
                        + "; got '" + value + "'"));
    }

    @JsonValue
    public String optionValue() {
        return optionValue;
    }
}
