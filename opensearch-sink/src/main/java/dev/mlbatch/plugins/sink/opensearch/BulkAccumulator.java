package dev.mlbatch.plugins.sink.opensearch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Packs documents from any number of threads into bulk batches of at most bulk_size bytes. A full batch is handed
 * back to the caller, which sends it outside the lock, so several workers can have bulk requests in flight.
 * A document larger than bulk_size travels alone.
 */
public class BulkAccumulator {
    private final long maxBytes;
    private final LongSupplier nanoClock;
    private BulkBatch current;

    public BulkAccumulator(final long maxBytes, final LongSupplier nanoClock) {
        this.maxBytes = maxBytes;
        this.nanoClock = nanoClock;
        this.current = new BulkBatch();
    }

    /** Adds a document; returns the batches that are now full (usually none, at most two). */
    public synchronized List<BulkBatch> add(final PendingDocument document) {
        final List<BulkBatch> full = new ArrayList<>(1);
        if (!current.isEmpty() && current.estimatedBytes() + document.estimatedBytes() > maxBytes) {
            full.add(swap());
        }
        current.add(document, nanoClock.getAsLong());
        if (current.estimatedBytes() >= maxBytes) {
            full.add(swap());
        }
        return full;
    }

    /** Takes the partial batch when it has waited at least {@code timeoutNanos}, or null. */
    public synchronized BulkBatch takeIfOlderThan(final long timeoutNanos) {
        if (current.isEmpty() || nanoClock.getAsLong() - current.startedNanos() < timeoutNanos) {
            return null;
        }
        return swap();
    }

    /** Takes whatever is pending, or null when nothing is. */
    public synchronized BulkBatch takeAll() {
        return current.isEmpty() ? null : swap();
    }

    private BulkBatch swap() {
        final BulkBatch full = current;
        current = new BulkBatch();
        return full;
    }
}
