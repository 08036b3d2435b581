package dev.mlbatch.plugins.mutate;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import java.util.List;

/** Options of {@code add_entries}, with upstream's key names ({@code AddEntryProcessorConfig}). */
public class AddEntryProcessorConfig {

    /** One entry: where ({@code key} or {@code metadata_key}), what ({@code value}, {@code format} or {@code value_expression}), when. */
    public static class Entry {
        @JsonProperty("key")
        private String key;

        @JsonProperty("metadata_key")
        private String metadataKey;

        private Object value;
        /** {@code value: null} is a value (upstream allows null); this tells it apart from an absent {@code value}. */
        private boolean valueSet;

        @JsonProperty("format")
        private String format;

        @JsonProperty("value_expression")
        private String valueExpression;

        @JsonProperty("add_when")
        private String addWhen;

        @JsonProperty("overwrite_if_key_exists")
        private boolean overwriteIfKeyExists = false;

        @JsonProperty("append_if_key_exists")
        private boolean appendIfKeyExists = false;

        // Upstream options this implementation does not have; bound only so that they are refused by name.
        @JsonProperty("iterate_on")
        private String iterateOn;

        @JsonProperty("add_to_element_when")
        private String addToElementWhen;

        Entry() {
        }

        @JsonSetter("value")
        void setValue(final Object value) {
            this.value = value;
            this.valueSet = true;
        }

        public String getKey() {
            return key;
        }

        public String getMetadataKey() {
            return metadataKey;
        }

        public Object getValue() {
            return value;
        }

        public boolean isValueSet() {
            return valueSet;
        }

        public String getFormat() {
            return format;
        }

        public String getValueExpression() {
            return valueExpression;
        }

        public String getAddWhen() {
            return addWhen;
        }

        public boolean getOverwriteIfKeyExists() {
            return overwriteIfKeyExists;
        }

        public boolean getAppendIfKeyExists() {
            return appendIfKeyExists;
        }

        @AssertTrue(message = "an entry needs exactly one of key or metadata_key")
        boolean isOneTarget() {
            return (key == null) != (metadataKey == null);
        }

        @AssertTrue(message = "key must not be empty")
        boolean isKeyNotEmpty() {
            return key == null || !key.isEmpty();
        }

        @AssertTrue(message = "metadata_key must not be empty")
        boolean isMetadataKeyNotEmpty() {
            return metadataKey == null || !metadataKey.isEmpty();
        }

        @AssertTrue(message = "an entry needs exactly one of value, format or value_expression")
        boolean isOneValueSource() {
            return (valueSet ? 1 : 0) + (format != null ? 1 : 0) + (valueExpression != null ? 1 : 0) == 1;
        }

        @AssertTrue(message = "overwrite_if_key_exists and append_if_key_exists cannot both be true")
        boolean isOverwriteOrAppend() {
            return !(overwriteIfKeyExists && appendIfKeyExists);
        }

        @AssertTrue(message = "iterate_on and add_to_element_when (adding inside the elements of a list) are not "
                + "supported by this add_entries; add to a key of the event or its metadata instead")
        boolean isNotIterating() {
            return iterateOn == null && addToElementWhen == null;
        }
    }

    @JsonProperty("entries")
    @NotNull(message = "entries is required")
    @NotEmpty(message = "entries must list at least one entry")
    @Valid
    private List<@NotNull(message = "an entry must not be empty") Entry> entries;

    public List<Entry> getEntries() {
        return entries;
    }
}
