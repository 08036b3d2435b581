package dev.mlbatch.plugins.s3enrich;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The source objects read so far, whole: an object's index is kept or evicted as one unit, so a record that is
 * missing from a kept index is truly not in the object (upstream caches records one by one, so an evicted or
 * expired record looks like a record without a match while its object still counts as loaded).
 * <p>
 * Bounds: at most {@code maxRecords} records over all objects ({@code cache_max_count}) and at most
 * {@value #MAX_OBJECTS} objects (upstream's fixed bound); the least recently used objects go first. An object is
 * read again {@code ttl} ({@code cache_ttl}) after it was read, so a rewritten source is picked up. An object with
 * more records than {@code maxRecords} is used for the batch that needed it and not kept.
 */
final class SourceRecordCache {
    static final int MAX_OBJECTS = 100;

    interface Loader {
        SourceIndex load() throws EnrichmentFailure;
    }

    /** What {@link #get} did, for the caller's log line. */
    enum Outcome { HIT, LOADED, LOADED_NOT_KEPT }

    record Lookup(SourceIndex index, Outcome outcome) {
    }

    private record Entry(SourceIndex index, long loadedAtNanos) {
    }

    private final int maxRecords;
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long records;

    SourceRecordCache(final int maxRecords, final Duration ttl, final LongSupplier nanoClock) {
        this.maxRecords = maxRecords;
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The index of the object at {@code uri}, read with {@code loader} when it is not held or has expired. */
    synchronized Lookup get(final String uri, final Loader loader) throws EnrichmentFailure {
        final long now = nanoClock.getAsLong();
        final Entry held = entries.get(uri);
        if (held != null) {
            if (now - held.loadedAtNanos() < ttlNanos) {
                return new Lookup(held.index(), Outcome.HIT);
            }
            remove(uri);
        }
        final SourceIndex index = loader.load();
        if (index.size() > maxRecords) {
            return new Lookup(index, Outcome.LOADED_NOT_KEPT);
        }
        entries.put(uri, new Entry(index, now));
        records += index.size();
        evictBeyondBounds(uri);
        return new Lookup(index, Outcome.LOADED);
    }

    private void evictBeyondBounds(final String keep) {
        final Iterator<Map.Entry<String, Entry>> eldestFirst = entries.entrySet().iterator();
        while ((records > maxRecords || entries.size() > MAX_OBJECTS) && eldestFirst.hasNext()) {
            final Map.Entry<String, Entry> eldest = eldestFirst.next();
            if (eldest.getKey().equals(keep)) {
                continue;
            }
            records -= eldest.getValue().index().size();
            eldestFirst.remove();
        }
    }

    private void remove(final String uri) {
        final Entry removed = entries.remove(uri);
        if (removed != null) {
            records -= removed.index().size();
        }
    }

    synchronized long recordCount() {
        return records;
    }

    synchronized int objectCount() {
        return entries.size();
    }

    synchronized boolean holds(final String uri) {
        return entries.containsKey(uri);
    }

    synchronized void clear() {
        entries.clear();
        records = 0;
    }
}
