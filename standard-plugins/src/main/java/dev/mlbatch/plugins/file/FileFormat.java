package dev.mlbatch.plugins.file;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How the {@code file} source reads lines when no codec is configured. */
public enum FileFormat {
    /** Each line becomes an event with the line under {@code message}. */
    PLAIN("plain"),
    /** Each line holds a JSON object that becomes the event. */
    JSON("json");

    private final String optionValue;

    FileFormat(final String optionValue) {
        this.optionValue = optionValue;
    }

    @JsonValue
    public String optionValue() {
        return optionValue;
    }

    @JsonCreator
    public static FileFormat fromOptionValue(final String value) {
        for (final FileFormat format : values()) {
            if (format.optionValue.equals(value)) {
                return format;
            }
        }
        throw new IllegalArgumentException("format must be plain or json, not '" + value + "'");
    }
}
