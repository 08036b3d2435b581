package dev.mlbatch.plugins.s3enrich;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceRecordCacheTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger loads = new AtomicInteger();

    private SourceRecordCache.Loader records(final String uri, final int count) {
        return () -> {
            loads.incrementAndGet();
            final SourceIndex.Builder builder = SourceIndex.builder(uri);
            for (int i = 0; i < count; i++) {
                builder.add("r" + i, Map.of("k", uri + "#" + i));
            }
            return builder.build();
        };
    }

    @Test
    void anObjectIsReadOnceAndServedFromTheCacheUntilItsTtl() throws Exception {
        final SourceRecordCache cache = new SourceRecordCache(100, Duration.ofMinutes(10), now::get);
        assertEquals(SourceRecordCache.Outcome.LOADED, cache.get("s3://b/a", records("s3://b/a", 3)).outcome());
        now.addAndGet(Duration.ofMinutes(9).toNanos());
        final SourceRecordCache.Lookup hit = cache.get("s3://b/a", records("s3://b/a", 3));
        assertEquals(SourceRecordCache.Outcome.HIT, hit.outcome());
        assertEquals(Map.of("k", "s3://b/a#2"), hit.index().find("r2"));
        assertEquals(1, loads.get());
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertEquals(SourceRecordCache.Outcome.LOADED, cache.get("s3://b/a", records("s3://b/a", 3)).outcome(),
                "cache_ttl after it was read, the object is read again");
        assertEquals(2, loads.get());
        assertEquals(3, cache.recordCount());
    }

    @Test
    void theLeastRecentlyUsedObjectsGoWholeWhenTheRecordBoundIsReached() throws Exception {
        final SourceRecordCache cache = new SourceRecordCache(10, Duration.ofMinutes(10), now::get);
        cache.get("a", records("a", 4));
        cache.get("b", records("b", 4));
        cache.get("a", records("a", 4)); // a is now the most recently used
        cache.get("c", records("c", 4)); // 12 > 10: b goes, as a whole
        assertTrue(cache.holds("a"));
        assertFalse(cache.holds("b"));
        assertTrue(cache.holds("c"));
        assertEquals(8, cache.recordCount());
        assertEquals(2, cache.objectCount());
    }

    @Test
    void atMostAHundredObjectsAreKept() throws Exception {
        final SourceRecordCache cache = new SourceRecordCache(1_000_000, Duration.ofMinutes(10), now::get);
        for (int i = 0; i < 150; i++) {
            cache.get("o" + i, records("o" + i, 1));
        }
        assertEquals(SourceRecordCache.MAX_OBJECTS, cache.objectCount());
        assertFalse(cache.holds("o49"));
        assertTrue(cache.holds("o50"));
    }

    @Test
    void anObjectLargerThanTheBoundIsUsedButNotKept() throws Exception {
        final SourceRecordCache cache = new SourceRecordCache(5, Duration.ofMinutes(10), now::get);
        cache.get("small", records("small", 2));
        final SourceRecordCache.Lookup big = cache.get("big", records("big", 6));
        assertEquals(SourceRecordCache.Outcome.LOADED_NOT_KEPT, big.outcome());
        assertEquals(Map.of("k", "big#5"), big.index().find("r5"));
        assertFalse(cache.holds("big"));
        assertTrue(cache.holds("small"), "an object that is not kept evicts nothing");
        assertEquals(2, cache.recordCount());

        final SourceRecordCache none = new SourceRecordCache(0, Duration.ofMinutes(10), now::get);
        assertEquals(SourceRecordCache.Outcome.LOADED_NOT_KEPT, none.get("x", records("x", 1)).outcome());
        assertEquals(SourceRecordCache.Outcome.LOADED_NOT_KEPT, none.get("x", records("x", 1)).outcome());
    }

    @Test
    void aFailedLoadIsNotCached() {
        final SourceRecordCache cache = new SourceRecordCache(10, Duration.ofMinutes(10), now::get);
        final SourceRecordCache.Loader missing = () -> {
            loads.incrementAndGet();
            throw new EnrichmentFailure(EnrichmentFailure.Reason.SOURCE_OBJECT_MISSING, "s3://b/k", "source object s3://b/k does not exist");
        };
        assertThrows(EnrichmentFailure.class, () -> cache.get("s3://b/k", missing));
        assertThrows(EnrichmentFailure.class, () -> cache.get("s3://b/k", missing));
        assertEquals(2, loads.get());
        assertEquals(0, cache.objectCount());
    }

    @Test
    void indexKeepsTheLaterOfRepeatedValuesAndCountsRecordsWithoutOne() {
        final Map<String, Object> first = Map.of("k", "first");
        final Map<String, Object> second = Map.of("k", "second");
        final SourceIndex index = SourceIndex.builder("u").add("a", first).add(null, Map.of("k", "x")).add("a", second).build();
        assertSame(second, index.find("a"));
        assertNull(index.find("b"));
        assertEquals(1, index.size());
        assertEquals(1, index.recordsWithoutCorrelationValue());
        assertEquals(1, index.repeatedCorrelationValues());
    }

    @Test
    void correlationValuesCompareStringsAndIntegersByText() {
        assertEquals("12", CorrelationValue.of(12));
        assertEquals("12", CorrelationValue.of(12L));
        assertEquals("12", CorrelationValue.of("12"));
        assertEquals("12", CorrelationValue.of(new java.math.BigDecimal("12.0")));
        assertNull(CorrelationValue.of(new java.math.BigDecimal("12.5")));
        assertNull(CorrelationValue.of(12.5d));
        assertNull(CorrelationValue.of(" "));
        assertNull(CorrelationValue.of(null));
        assertNull(CorrelationValue.of(true));
        assertNull(CorrelationValue.of(java.util.Map.of("a", 1)));
    }
}
