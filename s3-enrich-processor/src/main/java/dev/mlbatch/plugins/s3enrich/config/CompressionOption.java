package dev.mlbatch.plugins.s3enrich.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a source object's bytes are decompressed before the codec reads them. */
public enum CompressionOption {
    NONE("none"),
    GZIP("gzip"),
    /** gzip when the key ends in ".gz", none otherwise (upstream's rule, without snappy/zstd). */
    AUTOMATIC("automatic");

    private final String optionValue;

    CompressionOption(final String optionValue) {
        this.optionValue = optionValue;
    }

    @JsonValue
    public String getOptionValue() {
        return optionValue;
    }

    @JsonCreator
    public static CompressionOption fromOptionValue(final String value) {
        return Arrays.stream(values())
                .filter(option -> option.optionValue.equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(String.format(
                        "compression '%s' is not supported; use one of %s", value,
                        Arrays.stream(values()).map(CompressionOption::getOptionValue).collect(Collectors.joining(", ")))));
    }

    public boolean isGzip(final String objectKey) {
        return this == GZIP || (this == AUTOMATIC && objectKey.endsWith(".gz"));
    }
}
