package dev.mlbatch.plugins.mutate;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import java.util.List;

/** Options of {@code copy_values} (as upstream's {@code CopyValueProcessorConfig}). */
public class CopyValueProcessorConfig {

    /** One copy: {@code from_key} to {@code to_key}. In list mode both are plain keys of the list's objects. */
    public static class Entry {
        @JsonProperty("from_key")
        @NotEmpty(message = "from_key must not be empty")
        private String fromKey;

        @JsonProperty("to_key")
        @NotEmpty(message = "to_key must not be empty")
        private String toKey;

        @JsonProperty("overwrite_if_to_key_exists")
        private boolean overwriteIfToKeyExists = false;

        @JsonProperty("copy_when")
        private String copyWhen;

        Entry() {
        }

        public Entry(final String fromKey, final String toKey, final boolean overwriteIfToKeyExists, final String copyWhen) {
            this.fromKey = fromKey;
            this.toKey = toKey;
            this.overwriteIfToKeyExists = overwriteIfToKeyExists;
            this.copyWhen = copyWhen;
        }

        public String getFromKey() {
            return fromKey;
        }

        public String getToKey() {
            return toKey;
        }

        public boolean getOverwriteIfToKeyExists() {
            return overwriteIfToKeyExists;
        }

        public String getCopyWhen() {
            return copyWhen;
        }
    }

    @JsonProperty("entries")
    @NotNull(message = "entries is required")
    @NotEmpty(message = "entries must list at least one entry")
    @Valid
    private List<@NotNull(message = "an entry must not be empty") Entry> entries;

    @JsonProperty("from_list")
    private String fromList;

    @JsonProperty("to_list")
    private String toList;

    @JsonProperty("overwrite_if_to_list_exists")
    private boolean overwriteIfToListExists = false;

    public List<Entry> getEntries() {
        return entries;
    }

    public String getFromList() {
        return fromList;
    }

    public String getToList() {
        return toList;
    }

    public boolean getOverwriteIfToListExists() {
        return overwriteIfToListExists;
    }

    @AssertTrue(message = "from_list and to_list must be set together (both or neither)")
    boolean isFromListAndToListSetTogether() {
        return (fromList == null) == (toList == null);
    }
}
