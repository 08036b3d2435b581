package dev.mlbatch.plugins.sink.opensearch;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BulkAccumulatorTest {
    private final AtomicLong now = new AtomicLong();

    private static PendingDocument doc(final long bytes) {
        return new PendingDocument(new BulkTarget("i", null, null, BulkAction.INDEX), null, "{}", bytes, null);
    }

    @Test
    void batchesNeverExceedTheLimitUnlessOneDocumentDoes() {
        final BulkAccumulator accumulator = new BulkAccumulator(100, now::get);
        assertTrue(accumulator.add(doc(40)).isEmpty());
        assertTrue(accumulator.add(doc(40)).isEmpty());
        final List<BulkBatch> full = accumulator.add(doc(40));
        assertEquals(1, full.size());
        assertEquals(80, full.get(0).estimatedBytes());
        final List<BulkBatch> withGiant = accumulator.add(doc(500));
        assertEquals(2, withGiant.size(), "the pending 40 bytes go out, then the giant alone");
        assertEquals(40, withGiant.get(0).estimatedBytes());
        assertEquals(500, withGiant.get(1).estimatedBytes());
        assertNull(accumulator.takeAll());
    }

    @Test
    void flushTimeoutCountsFromTheFirstDocumentOfTheBatch() {
        final BulkAccumulator accumulator = new BulkAccumulator(1000, now::get);
        now.set(1_000);
        assertNull(accumulator.takeIfOlderThan(100), "empty: nothing to flush");
        now.set(5_000);
        final PendingDocument first = doc(10);
        accumulator.add(first);
        now.set(5_050);
        assertNull(accumulator.takeIfOlderThan(100));
        now.set(5_100);
        final BulkBatch batch = accumulator.takeIfOlderThan(100);
        assertSame(first, batch.documents().get(0));
    }
}
