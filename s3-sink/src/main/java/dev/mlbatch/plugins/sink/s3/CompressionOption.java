package dev.mlbatch.plugins.sink.s3;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;

/** {@code compression}: how object bytes are compressed, and the key suffix that says so. */
public enum CompressionOption {
    NONE("none", ""),
    GZIP("gzip", ".gz");

    private final String value;
    private final String keySuffix;

    CompressionOption(final String value, final String keySuffix) {
        this.value = value;
        this.keySuffix = keySuffix;
    }

    @JsonValue
    public String getValue() {
        return value;
    }

    public String keySuffix() {
        return keySuffix;
    }

    public OutputStream wrap(final OutputStream out) throws IOException {
        return this == GZIP ? new GZIPOutputStream(out, 64 * 1024) : out;
    }

    @JsonCreator
    public static CompressionOption fromValue(final String value) {
        for (final CompressionOption option : values()) {
            if (option.value.equals(value)) {
                return option;
            }
        }
        throw new IllegalArgumentException("compression '" + value + "' is not supported; use none or gzip");
    }
}
