package dev.mlbatch.plugins.mlinference.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The provider behind the ML Commons connector; decides the request body and the job grouping. */
public enum ServiceName {
    SAGEMAKER("sagemaker"),
    BEDROCK("bedrock"),
    /** OpenAI Batch API: the input object is uploaded as a file, one batch per object, outputs copied to S3. */
    OPENAI("openai"),
    /** Cohere embed jobs: the input object is uploaded as a dataset, one job per object, outputs copied to S3. */
    COHERE("cohere");

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

    /** True for the hosted APIs whose input we upload and whose output we copy into S3 ourselves (OpenAI, Cohere). */
    public boolean isHostedApi() {
        return this == OPENAI || this == COHERE;
    }

    @JsonValue
    public String optionValue() {
        return optionValue;
    }
}
