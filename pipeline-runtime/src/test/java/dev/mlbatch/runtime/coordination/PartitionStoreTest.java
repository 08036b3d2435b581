package dev.mlbatch.runtime.coordination;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store alone: completed partitions kept as fingerprints, superseded lease entries dropped, restarts. */
class PartitionStoreTest {
    private static final String SOURCE = "scan";
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final Instant LEASE = NOW.plusSeconds(600);

    @TempDir
    Path directory;

    private static List<String> keys(final int n) {
        final List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add("bucket|prefix/object-" + i + ".jsonl");
        }
        return keys;
    }

    /** Acquires, renews and completes every partition, as a scan with acknowledgements does. */
    private static void completeAll(final PartitionStore store, final int n) {
        for (int i = 0; i < n; i++) {
            final PartitionRecord acquired = store.acquire(SOURCE, "node", NOW, LEASE).orElseThrow();
            store.put(acquired.withStatus(PartitionStatus.ASSIGNED, "node", LEASE.plusSeconds(60), null));
            store.put(acquired.withStatus(PartitionStatus.COMPLETED, null, null, null));
        }
    }

    @Test
    void completedPartitionsStayCompletedAreNotCreatedAgainAndAreCounted() {
        try (PartitionStore store = PartitionStore.inMemory()) {
            assertEquals(5000, store.createIfAbsent(SOURCE, keys(5000)));
            completeAll(store, 5000);

            assertEquals(0, store.createIfAbsent(SOURCE, keys(5000)), "a later listing creates none of them again");
            assertEquals(1, store.createIfAbsent(SOURCE, List.of("bucket|prefix/new.jsonl")));
            assertEquals(Map.of(PartitionStatus.COMPLETED, 5000, PartitionStatus.UNASSIGNED, 1), store.countByStatus(SOURCE));
            final Optional<PartitionRecord> done = store.get(SOURCE, "bucket|prefix/object-17.jsonl");
            assertEquals(PartitionStatus.COMPLETED, done.orElseThrow().status());
            assertEquals("bucket|prefix/object-17.jsonl", done.get().partitionKey());
            assertTrue(store.get(SOURCE, "bucket|prefix/never-listed.jsonl").isEmpty());
            assertEquals("bucket|prefix/new.jsonl", store.acquire(SOURCE, "node", NOW, LEASE).orElseThrow().partitionKey(),
                    "only the new partition is offered");
            assertTrue(store.acquire(SOURCE, "node", NOW, LEASE).isEmpty());
        }
    }

    @Test
    void aLapsedLeaseStillFreesItsPartitionAfterManySupersededLeaseEntries() {
        try (PartitionStore store = PartitionStore.inMemory()) {
            store.createIfAbsent(SOURCE, keys(3000));
            completeAll(store, 2999);
            final PartitionRecord held = store.acquire(SOURCE, "node", NOW, LEASE).orElseThrow();
            assertFalse(store.hasAvailable(SOURCE, LEASE.minusSeconds(1)));
            assertTrue(store.hasAvailable(SOURCE, LEASE.plusSeconds(1)), "the lease lapsed: offered again");
            assertEquals(held.partitionKey(), store.acquire(SOURCE, "other", LEASE.plusSeconds(1), LEASE.plusSeconds(700))
                    .orElseThrow().partitionKey());
        }
    }

    @Test
    void aReopenedDurableStoreKnowsItsCompletedPartitionsAndFreesTheOnesItHeld() {
        final Path file = directory.resolve("coordination.jsonl");
        try (PartitionStore store = PartitionStore.durable(file)) {
            store.createIfAbsent(SOURCE, keys(10));
            completeAll(store, 8);
            store.acquire(SOURCE, "node", NOW, LEASE).orElseThrow();
        }
        try (PartitionStore store = PartitionStore.durable(file)) {
            assertEquals(Map.of(PartitionStatus.COMPLETED, 8, PartitionStatus.UNASSIGNED, 2), store.countByStatus(SOURCE));
            assertEquals(0, store.createIfAbsent(SOURCE, keys(10)));
            assertEquals(PartitionStatus.COMPLETED, store.get(SOURCE, "bucket|prefix/object-0.jsonl").orElseThrow().status());
            assertTrue(store.acquire(SOURCE, "node", NOW, LEASE).isPresent());
            assertTrue(store.acquire(SOURCE, "node", NOW, LEASE).isPresent());
            assertTrue(store.acquire(SOURCE, "node", NOW, LEASE).isEmpty());
        }
        try (PartitionStore store = PartitionStore.durable(file)) {
            assertEquals(8, store.countByStatus(SOURCE).get(PartitionStatus.COMPLETED), "a second reopen keeps them too");
        }
    }

    @Test
    void aCompactedJournalKeepsCompletedPartitionsAsFingerprintsOnly() throws Exception {
        final Path file = directory.resolve("coordination.jsonl");
        try (PartitionStore store = PartitionStore.durable(file)) {
            store.createIfAbsent(SOURCE, keys(3000));
            completeAll(store, 2500);
        }
        try (PartitionStore store = PartitionStore.durable(file)) {
            assertEquals(Map.of(PartitionStatus.COMPLETED, 2500, PartitionStatus.UNASSIGNED, 500), store.countByStatus(SOURCE));
        }
        final String journal = Files.readString(file);
        assertFalse(journal.contains("bucket|prefix/object-17.jsonl\""), "a completed key is kept as its fingerprint only");
        assertTrue(journal.contains("bucket|prefix/object-2999.jsonl"), "an unfinished one in full");
        assertEquals(3 + 500, journal.lines().count(), "2,500 fingerprints on 3 lines, then the 500 unfinished partitions");
        try (PartitionStore store = PartitionStore.durable(file)) {
            assertEquals(Map.of(PartitionStatus.COMPLETED, 2500, PartitionStatus.UNASSIGNED, 500), store.countByStatus(SOURCE),
                    "reopened from fingerprints");
            assertEquals(0, store.createIfAbsent(SOURCE, keys(3000)));
        }
    }

    @Test
    void aTornLastLineIsIgnoredAndABadLineBeforeTheEndIsRefusedWithItsNumber() throws Exception {
        final Path file = directory.resolve("coordination.jsonl");
        try (PartitionStore store = PartitionStore.durable(file)) {
            store.createIfAbsent(SOURCE, keys(3));
        }
        final List<String> lines = Files.readAllLines(file);
        Files.writeString(file, String.join("\n", lines) + "\n{\"partition\":{\"source_i");
        try (PartitionStore store = PartitionStore.durable(file)) {
            assertEquals(Map.of(PartitionStatus.UNASSIGNED, 3), store.countByStatus(SOURCE), "the torn write is dropped");
        }
        Files.writeString(file, lines.get(0) + "\nnot json\n\n" + lines.get(1) + "\n");
        final IllegalStateException corrupt = assertThrows(IllegalStateException.class, () -> PartitionStore.durable(file));
        assertTrue(corrupt.getMessage().contains("is corrupt at line 2"), corrupt.getMessage());
    }

    @Test
    void fingerprintsTellManyKeysApart() {
        final CompletedKeys completed = new CompletedKeys();
        for (final String key : keys(100_000)) {
            assertTrue(completed.add(key));
        }
        assertFalse(completed.add("bucket|prefix/object-5.jsonl"), "added once");
        assertEquals(100_000, completed.size());
        for (final String key : keys(100_000)) {
            assertTrue(completed.contains(key));
        }
        for (int i = 0; i < 100_000; i++) {
            assertFalse(completed.contains("bucket|other/object-" + i + ".jsonl"));
        }
    }
}
