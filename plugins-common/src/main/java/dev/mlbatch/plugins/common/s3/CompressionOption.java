package dev.mlbatch.plugins.common.s3;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How an S3 object's bytes are decompressed before the codec reads them (the s3 source and s3_enrich's `compression`). */
public enum CompressionOption {
    NONE("none"),
    GZIP("gzip"),
    /** gzip for keys ending in ".gz", none otherwise (upstream's rule, minus snappy/zstd). */
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

    /** Whether the object with this key is gzip-compressed under this option. */
    public boolean isGzip(final String objectKey) {
        return this == GZIP || (this == AUTOMATIC && objectKey.endsWith(".gz"));
    }
}
