package dev.mlbatch.runtime.coordination;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The keys of one source's completed partitions, held as 128-bit fingerprints (the first half of their SHA-256) in
 * an open-addressing table: 16 bytes a key instead of the key, its record and a map entry (~400 bytes), so that a
 * scan of millions of objects fits a small heap. Two keys share a fingerprint with odds near n²/2¹²⁹ (10⁻²⁷ for a
 * million keys); such a key would be taken as completed. Not thread-safe: the store is.
 */
final class CompletedKeys {
    private static final int INITIAL_SLOTS = 1024;
    private static final double MAX_LOAD = 0.6;

    private final MessageDigest sha256;
    /** Pairs of longs; (0, 0) marks a free slot, so a fingerprint of (0, 0) is stored as (0, 1). */
    private long[] table = new long[INITIAL_SLOTS * 2];
    private int size;

    CompletedKeys() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM offers no SHA-256", e);
        }
    }

    /** Adds the key; returns false when it was there already. */
    boolean add(final String key) {
        final long[] print = fingerprint(key);
        return addFingerprint(print[0], print[1]);
    }

    /** Adds a fingerprint as {@link #forEach} gave it (a reopened journal); returns false when it was there already. */
    boolean addFingerprint(final long high, final long low) {
        if (size + 1 > (table.length / 2) * MAX_LOAD) {
            grow();
        }
        if (!insert(table, high, low == 0 && high == 0 ? 1 : low)) {
            return false;
        }
        size++;
        return true;
    }

    /** What a journal keeps of the completed keys: their fingerprints, one (high, low) pair each. */
    interface FingerprintConsumer<E extends Exception> {
        void accept(long high, long low) throws E;
    }

    <E extends Exception> void forEach(final FingerprintConsumer<E> consumer) throws E {
        for (int i = 0; i < table.length; i += 2) {
            if (table[i] != 0 || table[i + 1] != 0) {
                consumer.accept(table[i], table[i + 1]);
            }
        }
    }

    boolean contains(final String key) {
        final long[] print = fingerprint(key);
        final int slots = table.length / 2;
        for (int slot = slotOf(print[0], slots); ; slot = (slot + 1) % slots) {
            final long high = table[2 * slot];
            final long low = table[2 * slot + 1];
            if (high == 0 && low == 0) {
                return false;
            }
            if (high == print[0] && low == print[1]) {
                return true;
            }
        }
    }

    int size() {
        return size;
    }

    private long[] fingerprint(final String key) {
        final ByteBuffer digest = ByteBuffer.wrap(sha256.digest(key.getBytes(StandardCharsets.UTF_8)));
        final long high = digest.getLong();
        final long low = digest.getLong();
        return new long[] {high, high == 0 && low == 0 ? 1 : low};
    }

    private static int slotOf(final long high, final int slots) {
        return (int) Long.remainderUnsigned(high, slots);
    }

    private static boolean insert(final long[] into, final long high, final long low) {
        final int slots = into.length / 2;
        for (int slot = slotOf(high, slots); ; slot = (slot + 1) % slots) {
            if (into[2 * slot] == 0 && into[2 * slot + 1] == 0) {
                into[2 * slot] = high;
                into[2 * slot + 1] = low;
                return true;
            }
            if (into[2 * slot] == high && into[2 * slot + 1] == low) {
                return false;
            }
        }
    }

    private void grow() {
        final long[] bigger = new long[table.length * 2];
        for (int i = 0; i < table.length; i += 2) {
            if (table[i] != 0 || table[i + 1] != 0) {
                insert(bigger, table[i], table[i + 1]);
            }
        }
        table = bigger;
    }
}
