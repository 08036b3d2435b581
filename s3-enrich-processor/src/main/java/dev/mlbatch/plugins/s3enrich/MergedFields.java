package dev.mlbatch.plugins.s3enrich;

import org.opensearch.dataprepper.model.event.Event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which fields of a source record are kept for the merge: the listed {@code keys_to_merge} (each at its key, when
 * the record has it), or with {@code merge_all_keys} every top-level field except the source correlation key (the
 * event already holds that value under its own correlation key, and a raw document's {@code _id} is no document
 * field). Only these values are held in the cache.
 */
final class MergedFields {
    private final List<String> keys;
    private final String sourceCorrelationKey;

    private MergedFields(final List<String> keys, final String sourceCorrelationKey) {
        this.keys = keys;
        this.sourceCorrelationKey = sourceCorrelationKey;
    }

    static MergedFields listed(final List<String> keysToMerge) {
        return new MergedFields(List.copyOf(keysToMerge), null);
    }

    static MergedFields allExcept(final String sourceCorrelationKey) {
        return new MergedFields(null, topLevelName(sourceCorrelationKey));
    }

    boolean all() {
        return keys == null;
    }

    /** The fields to merge, by event key, in the record's order; absent keys are left out. */
    Map<String, Object> of(final Event record) {
        final Map<String, Object> out = new LinkedHashMap<>();
        if (keys == null) {
            record.toMap().forEach((name, value) -> {
                if (!name.equals(sourceCorrelationKey)) {
                    out.put(name, value);
                }
            });
        } else {
            for (final String key : keys) {
                final Object value = record.get(key, Object.class);
                if (value != null) {
                    out.put(key, value);
                }
            }
        }
        return out.isEmpty() ? Map.of() : Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        return keys == null ? "every field but '" + sourceCorrelationKey + "'" : keys.toString();
    }

    private static String topLevelName(final String key) {
        return key.startsWith("/") ? key.substring(1) : key;
    }
}
