package dev.mlbatch.bench.scan;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A bucket of {@code objects} small objects that exist only as a rule: object {@code i} has the key
 * {@code batch-<i/1000, 4 digits>/input-<i, 7 digits>.jsonl}, the content {@code {"id":i}\n}, a fixed last-modified
 * time and an ETag derived from {@code i}. Keys sort in index order, so a listing page is found by binary search and
 * costs the same at object 10 and object 999,999, and a million objects take no memory and no time to create.
 * (s3proxy's own stores sort or walk the whole bucket on every page: listing 1,000,000 of them would be quadratic.)
 */
final class SyntheticBucket {
    static final int MAX_OBJECTS = 10_000_000;
    static final int DEFAULT_PAGE = 1000;
    /** Every object's last-modified time: inside any scan window that has no start time. */
    static final Instant LAST_MODIFIED = Instant.parse("2026-01-01T00:00:00Z");

    private final String name;
    private final int objects;

    SyntheticBucket(final String name, final int objects) {
        if (objects < 0 || objects > MAX_OBJECTS) {
            throw new IllegalArgumentException("a synthetic bucket holds 0 to " + MAX_OBJECTS + " objects, not " + objects);
        }
        this.name = name;
        this.objects = objects;
    }

    String name() {
        return name;
    }

    int size() {
        return objects;
    }

    static String key(final int index) {
        return String.format(Locale.ROOT, "batch-%04d/input-%07d.jsonl", index / 1000, index);
    }

    /** The index of {@code key}, or -1 when no object of this bucket has that key. */
    int indexOf(final String key) {
        if (key == null || key.length() != key(0).length() || !key.startsWith("batch-") || !key.endsWith(".jsonl")) {
            return -1;
        }
        final int index;
        try {
            index = Integer.parseInt(key.substring(17, 24));
        } catch (final NumberFormatException e) {
            return -1;
        }
        return index < objects && key.equals(key(index)) ? index : -1;
    }

    static byte[] content(final int index) {
        return ("{\"id\":" + index + "}\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A 32-hex-digit ETag that differs per object, like an MD5 does. */
    static String etag(final int index) {
        final long mixed = index * 0x9E3779B97F4A7C15L;
        return String.format(Locale.ROOT, "%016x%016x", mixed, Long.reverse(mixed) ^ index);
    }

    /** One ListObjectsV2 page: the keys after {@code after} (null: from the start) that start with {@code prefix}. */
    Page page(final String prefix, final String after, final int maxKeys) {
        final String from = prefix == null ? "" : prefix;
        int index = firstIndexAtOrAbove(from);
        if (after != null && !after.isEmpty()) {
            index = Math.max(index, firstIndexAbove(after));
        }
        final int limit = maxKeys <= 0 ? DEFAULT_PAGE : Math.min(maxKeys, DEFAULT_PAGE);
        final List<Integer> indexes = new ArrayList<>(Math.min(limit, Math.max(0, objects - index)));
        while (index < objects && indexes.size() < limit) {
            if (!key(index).startsWith(from)) {
                break; // keys sort in index order, so no later key has the prefix either
            }
            indexes.add(index++);
        }
        final boolean truncated = index < objects && key(index).startsWith(from);
        return new Page(indexes, truncated);
    }

    private int firstIndexAtOrAbove(final String key) {
        int low = 0;
        int high = objects;
        while (low < high) {
            final int middle = (low + high) >>> 1;
            if (key(middle).compareTo(key) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private int firstIndexAbove(final String key) {
        int low = 0;
        int high = objects;
        while (low < high) {
            final int middle = (low + high) >>> 1;
            if (key(middle).compareTo(key) <= 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** The objects of one page, in key order, and whether more follow. */
    record Page(List<Integer> indexes, boolean truncated) {
        String lastKey() {
            return indexes.isEmpty() ? null : key(indexes.get(indexes.size() - 1));
        }
    }
}
