package dev.mlbatch.plugins.s3source.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What a scanned object turns into: its listing entry, its records, or its records tagged with bucket/key. */
public enum DataSelection {
    /** One event per object: bucket, key, time, length, from the listing only. */
    METADATA_ONLY("metadata_only"),
    /** One event per record, nothing added. */
    DATA_ONLY("data_only"),
    /** One event per record plus bucket and key under metadata_root_key. */
    DATA_AND_METADATA("data_and_metadata");

    private final String optionValue;

    DataSelection(final String optionValue) {
        this.optionValue = optionValue;
    }

    @JsonValue
    public String getOptionValue() {
        return optionValue;
    }

    @JsonCreator
    public static DataSelection fromOptionValue(final String value) {
        return Arrays.stream(values())
                .filter(selection -> selection.optionValue.equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(String.format(
                        "data_selection '%s' is not one of %s", value, allowedValues())));
    }

    static String allowedValues() {
        return Arrays.stream(values()).map(DataSelection::getOptionValue).collect(Collectors.joining(", "));
    }

    public boolean readsObjectContent() {
        return this != METADATA_ONLY;
    }
}
