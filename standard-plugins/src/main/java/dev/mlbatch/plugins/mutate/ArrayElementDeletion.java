package dev.mlbatch.plugins.mutate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventKey;
import org.opensearch.dataprepper.model.event.EventKeyFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Deletes the elements of one array named by keys such as {@code /content/0} and {@code /content/2}. Event.delete
 * cannot remove array elements (as upstream, it fails on an array parent), so this reads the array, builds one
 * without those indexes and puts it back. All indexes of one rule refer to the array as it was before the rule ran: they
 * are removed highest first. When the parent is an object, the keys are ordinary field names and are deleted as
 * such; a missing parent or an index past the end is a no-op, like deleting a missing key.
 */
final class ArrayElementDeletion {
    private final EventKey parent;
    private final int[] indexesHighestFirst;
    private final List<EventKey> asFieldKeys;

    private ArrayElementDeletion(final EventKey parent, final Collection<Integer> indexes, final List<EventKey> asFieldKeys) {
        this.parent = parent;
        this.indexesHighestFirst = new TreeSet<>(indexes).descendingSet().stream().mapToInt(Integer::intValue).toArray();
        this.asFieldKeys = List.copyOf(asFieldKeys);
    }

    String parentKey() {
        return parent.getKey();
    }

    void apply(final Event event) {
        final JsonNode value = event.get(parent, JsonNode.class);
        if (value == null) {
            return;
        }
        if (value.isArray()) {
            final int size = value.size();
            final boolean[] drop = new boolean[size];
            boolean any = false;
            for (final int index : indexesHighestFirst) {
                if (index < size) {
                    drop[index] = true;
                    any = true;
                }
            }
            if (!any) {
                return;
            }
            // A new array of the kept elements; put copies it into the event, so nothing is shared.
            final ArrayNode kept = JsonNodeFactory.instance.arrayNode(size);
            for (int i = 0; i < size; i++) {
                if (!drop[i]) {
                    kept.add(value.get(i));
                }
            }
            event.put(parent, kept);
        } else if (value.isObject()) {
            for (final EventKey key : asFieldKeys) {
                event.delete(key);
            }
        }
    }

    /**
     * Splits delete keys into those that may address an array element (last segment a number; grouped by parent)
     * and the rest, keeping the configured order of the rest.
     */
    static Split split(final List<EventKey> keys, final EventKeyFactory eventKeyFactory) {
        final List<EventKey> plain = new ArrayList<>();
        final Map<String, List<EventKey>> byParent = new LinkedHashMap<>();
        final Map<String, List<Integer>> indexesByParent = new LinkedHashMap<>();
        for (final EventKey key : keys) {
            final String trimmed = trim(key.getKey());
            final int slash = trimmed.lastIndexOf('/');
            final String last = slash < 0 ? "" : trimmed.substring(slash + 1);
            if (slash <= 0 || !isIndex(last)) {
                plain.add(key);
                continue;
            }
            final String parent = trimmed.substring(0, slash);
            byParent.computeIfAbsent(parent, p -> new ArrayList<>()).add(key);
            indexesByParent.computeIfAbsent(parent, p -> new ArrayList<>()).add(Integer.parseInt(last));
        }
        final List<ArrayElementDeletion> deletions = new ArrayList<>();
        for (final Map.Entry<String, List<EventKey>> group : byParent.entrySet()) {
            final EventKey parentKey;
            try {
                parentKey = eventKeyFactory.createEventKey(group.getKey(), EventKeyFactory.EventAction.GET, EventKeyFactory.EventAction.PUT);
            } catch (final IllegalArgumentException notUsableForGetOrPut) {
                // Delete-only keys may hold characters get/put refuse; such keys can only be plain deletes.
                plain.addAll(group.getValue());
                continue;
            }
            deletions.add(new ArrayElementDeletion(parentKey, indexesByParent.get(group.getKey()), group.getValue()));
        }
        return new Split(plain, deletions);
    }

    private static boolean isIndex(final String segment) {
        if (segment.isEmpty() || segment.length() > 9) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            if (!Character.isDigit(segment.charAt(i)) || segment.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String trim(final String key) {
        String trimmed = key.startsWith("/") ? key.substring(1) : key;
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }

    /** The result of {@link #split}. */
    static final class Split {
        final List<EventKey> plainKeys;
        final List<ArrayElementDeletion> arrayElementDeletions;

        Split(final List<EventKey> plainKeys, final List<ArrayElementDeletion> arrayElementDeletions) {
            this.plainKeys = List.copyOf(plainKeys);
            this.arrayElementDeletions = List.copyOf(arrayElementDeletions);
        }
    }
}
