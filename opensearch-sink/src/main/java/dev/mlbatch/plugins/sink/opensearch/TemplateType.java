package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.stream.Collectors;

/** {@code template_type}: a legacy template ({@code PUT _template}) or a composable one ({@code PUT _index_template}). */
public enum TemplateType {
    V1("v1"),
    INDEX_TEMPLATE("index-template");

    private final String value;

    TemplateType(final String value) {
        this.value = value;
    }

    @JsonValue
    public String getValue() {
        return value;
    }

    @JsonCreator
    public static TemplateType fromValue(final String value) {
        return Arrays.stream(values()).filter(t -> t.value.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("template_type '" + value + "' is not supported; use one of "
                        + Arrays.stream(values()).map(TemplateType::getValue).collect(Collectors.joining(", "))));
    }
}
