package dev.mlbatch.plugins.sink.s3;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** {@code buffer_type}: only {@code in_memory} (upstream's default); large objects still go up as multipart uploads. */
public enum BufferType {
    IN_MEMORY("in_memory");

    private final String value;

    BufferType(final String value) {
        this.value = value;
    }

    @JsonValue
    public String getValue() {
        return value;
    }

    @JsonCreator
    public static BufferType fromValue(final String value) {
        if ("in_memory".equals(value)) {
            return IN_MEMORY;
        }
        throw new IllegalArgumentException("buffer_type '" + value + "' is not supported by this s3 sink; use in_memory");
    }
}
