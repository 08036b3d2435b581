package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The {@code index_type} values this sink supports (upstream's trace/log/metric types are not part of it). */
public enum IndexType {
    /** The sink installs the configured template and creates a static index when it is missing. */
    CUSTOM("custom"),
    /** The sink never touches templates or indices; it only sends bulk requests. */
    MANAGEMENT_DISABLED("management_disabled");

    private final String value;

    IndexType(final String value) {
        this.value = value;
    }

    @JsonValue
    public String getValue() {
        return value;
    }

    @JsonCreator
    public static IndexType fromValue(final String value) {
        return Arrays.stream(values()).filter(t -> t.value.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("index_type '" + value + "' is not supported; use one of "
                        + Arrays.stream(values()).map(IndexType::getValue).collect(Collectors.joining(", "))));
    }
}
