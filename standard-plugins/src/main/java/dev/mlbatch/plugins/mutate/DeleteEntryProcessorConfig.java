package dev.mlbatch.plugins.mutate;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.opensearch.dataprepper.model.event.EventKey;
import org.opensearch.dataprepper.model.event.EventKeyConfiguration;
import org.opensearch.dataprepper.model.event.EventKeyFactory;

import java.util.List;
import java.util.Set;

/**
 * Options of {@code delete_entries} (as upstream's {@code DeleteEntryProcessorConfig}): either the top-level
 * {@code with_keys} or {@code with_keys_regex} (with their {@code delete_when}, {@code iterate_on}, ...), or a list
 * of {@code entries}, each with the same fields.
 */
public class DeleteEntryProcessorConfig {

    /** One deletion rule; the top-level options form one implicit entry. */
    public static class Entry {
        @JsonProperty("with_keys")
        @EventKeyConfiguration(EventKeyFactory.EventAction.DELETE)
        private List<@NotNull(message = "with_keys must not contain an empty key") EventKey> withKeys;

        @JsonProperty("with_keys_regex")
        private List<@NotEmpty(message = "with_keys_regex must not contain an empty pattern") String> withKeysRegex;

        @JsonProperty("exclude_from_delete")
        @EventKeyConfiguration(EventKeyFactory.EventAction.DELETE)
        private Set<EventKey> excludeFromDelete;

        @JsonProperty("delete_when")
        private String deleteWhen;

        @JsonProperty("iterate_on")
        private String iterateOn;

        @JsonProperty("delete_from_element_when")
        private String deleteFromElementWhen;

        Entry() {
        }

        public Entry(final List<EventKey> withKeys, final List<String> withKeysRegex, final Set<EventKey> excludeFromDelete,
                     final String deleteWhen, final String iterateOn, final String deleteFromElementWhen) {
            this.withKeys = withKeys;
            this.withKeysRegex = withKeysRegex;
            this.excludeFromDelete = excludeFromDelete;
            this.deleteWhen = deleteWhen;
            this.iterateOn = iterateOn;
            this.deleteFromElementWhen = deleteFromElementWhen;
        }

        public List<EventKey> getWithKeys() {
            return withKeys == null ? List.of() : withKeys;
        }

        public List<String> getWithKeysRegex() {
            return withKeysRegex == null ? List.of() : withKeysRegex;
        }

        public Set<EventKey> getExcludeFromDelete() {
            return excludeFromDelete == null ? Set.of() : excludeFromDelete;
        }

        public String getDeleteWhen() {
            return deleteWhen;
        }

        public String getIterateOn() {
            return iterateOn;
        }

        public String getDeleteFromElementWhen() {
            return deleteFromElementWhen;
        }

        @AssertTrue(message = "each entry needs with_keys or with_keys_regex (or both)")
        boolean isSomethingToDelete() {
            return !getWithKeys().isEmpty() || !getWithKeysRegex().isEmpty();
        }

        @AssertTrue(message = "exclude_from_delete is only allowed together with with_keys_regex")
        boolean isExcludeFromDeleteWithRegex() {
            return getExcludeFromDelete().isEmpty() || !getWithKeysRegex().isEmpty();
        }

        @AssertTrue(message = "delete_from_element_when only applies when iterate_on is set")
        boolean isDeleteFromElementWhenWithIterateOn() {
            return deleteFromElementWhen == null || iterateOn != null;
        }
    }

    @JsonProperty("with_keys")
    @EventKeyConfiguration(EventKeyFactory.EventAction.DELETE)
    private List<@NotNull(message = "with_keys must not contain an empty key") EventKey> withKeys;

    @JsonProperty("with_keys_regex")
    private List<@NotEmpty(message = "with_keys_regex must not contain an empty pattern") String> withKeysRegex;

    @JsonProperty("exclude_from_delete")
    @EventKeyConfiguration(EventKeyFactory.EventAction.DELETE)
    private Set<EventKey> excludeFromDelete;

    @JsonProperty("delete_when")
    private String deleteWhen;

    @JsonProperty("iterate_on")
    private String iterateOn;

    @JsonProperty("delete_from_element_when")
    private String deleteFromElementWhen;

    @JsonProperty("entries")
    @Valid
    private List<@NotNull(message = "an entry must not be empty") Entry> entries;

    public List<EventKey> getWithKeys() {
        return withKeys == null ? List.of() : withKeys;
    }

    public List<String> getWithKeysRegex() {
        return withKeysRegex == null ? List.of() : withKeysRegex;
    }

    public Set<EventKey> getExcludeFromDelete() {
        return excludeFromDelete == null ? Set.of() : excludeFromDelete;
    }

    public String getDeleteWhen() {
        return deleteWhen;
    }

    public String getIterateOn() {
        return iterateOn;
    }

    public String getDeleteFromElementWhen() {
        return deleteFromElementWhen;
    }

    public List<Entry> getEntries() {
        return entries == null ? List.of() : entries;
    }

    /** The rules to apply, in order: {@code entries}, or the top-level options as one entry. */
    public List<Entry> effectiveEntries() {
        if (!getEntries().isEmpty()) {
            return getEntries();
        }
        return List.of(new Entry(getWithKeys(), getWithKeysRegex(), getExcludeFromDelete(), deleteWhen, iterateOn,
                deleteFromElementWhen));
    }

    @AssertTrue(message = "exactly one of entries, with_keys or with_keys_regex must be set")
    boolean isExactlyOneKeySource() {
        int set = 0;
        set += getEntries().isEmpty() ? 0 : 1;
        set += getWithKeys().isEmpty() ? 0 : 1;
        set += getWithKeysRegex().isEmpty() ? 0 : 1;
        return set == 1;
    }

    @AssertTrue(message = "with entries, put exclude_from_delete, delete_when, iterate_on and delete_from_element_when "
            + "inside each entry, not at the top level")
    boolean isTopLevelOptionsWithoutEntries() {
        return getEntries().isEmpty() || (getExcludeFromDelete().isEmpty() && deleteWhen == null && iterateOn == null
                && deleteFromElementWhen == null);
    }

    @AssertTrue(message = "exclude_from_delete is only allowed together with with_keys_regex")
    boolean isExcludeFromDeleteWithRegex() {
        return getExcludeFromDelete().isEmpty() || !getWithKeysRegex().isEmpty() || !getEntries().isEmpty();
    }

    @AssertTrue(message = "delete_from_element_when only applies when iterate_on is set")
    boolean isDeleteFromElementWhenWithIterateOn() {
        return deleteFromElementWhen == null || iterateOn != null;
    }
}
