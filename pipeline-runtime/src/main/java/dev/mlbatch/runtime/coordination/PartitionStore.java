package dev.mlbatch.runtime.coordination;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Partitions of every coordinated source of this runtime, indexed for fast acquisition, optionally backed by a
 * {@link PartitionJournal} so that completed partitions stay completed across restarts. This runtime is the only
 * node, so partitions a previous run held are free again as soon as the store is reopened.
 */
public final class PartitionStore implements AutoCloseable {
    private final Map<String, SourceIndex> sources = new HashMap<>();
    private final Map<String, Map<String, Object>> globalStates = new HashMap<>();
    private final PartitionJournal journal;

    private PartitionStore(final PartitionJournal journal) {
        this.journal = journal;
    }

    public static PartitionStore inMemory() {
        return new PartitionStore(null);
    }

    public static PartitionStore durable(final Path file) {
        final PartitionStore store = new PartitionStore(new PartitionJournal(file));
        store.journal.replay(new PartitionJournal.Replay() {
            @Override
            public void partition(final PartitionRecord record) {
                final SourceIndex index = store.index(record.sourceId());
                if (record.status() == PartitionStatus.COMPLETED) {
                    // A completed partition never changes again: its key's fingerprint is all that is kept.
                    index.records.remove(record.partitionKey());
                    index.completed.add(record.partitionKey());
                } else {
                    index.records.put(record.partitionKey(), record);
                }
            }

            @Override
            public void globalState(final String sourceId, final Map<String, Object> state) {
                store.globalStates.put(sourceId, state == null ? new LinkedHashMap<>() : new LinkedHashMap<>(state));
            }

            @Override
            public void completed(final String sourceId, final long high, final long low) {
                store.index(sourceId).completed.addFingerprint(high, low);
            }
        });
        final List<PartitionRecord> unfinished = new ArrayList<>();
        final Map<String, CompletedKeys> completed = new HashMap<>();
        for (final SourceIndex index : store.sources.values()) {
            for (final Map.Entry<String, PartitionRecord> entry : index.records.entrySet()) {
                PartitionRecord record = entry.getValue();
                if (record.status() == PartitionStatus.ASSIGNED) {
                    record = record.withStatus(PartitionStatus.UNASSIGNED, null, null, null);
                    entry.setValue(record);
                }
                index.schedule(record);
                unfinished.add(record);
            }
            if (index.completed.size() > 0) {
                completed.put(index.sourceId, index.completed);
            }
        }
        store.journal.compactAndOpen(new PartitionJournal.Snapshot(store.globalStates, completed, unfinished));
        return store;
    }

    private SourceIndex index(final String sourceId) {
        return sources.computeIfAbsent(sourceId, SourceIndex::new);
    }

    public synchronized Optional<PartitionRecord> get(final String sourceId, final String partitionKey) {
        return Optional.ofNullable(index(sourceId).get(partitionKey));
    }

    /** Creates the partitions that do not exist yet, whatever the status of those that do; returns how many. */
    public synchronized int createIfAbsent(final String sourceId, final List<String> partitionKeys) {
        final SourceIndex index = index(sourceId);
        final List<PartitionRecord> created = new ArrayList<>();
        for (final String key : partitionKeys) {
            if (!index.records.containsKey(key) && !index.completed.contains(key)) {
                final PartitionRecord record = PartitionRecord.unassigned(sourceId, key);
                index.records.put(key, record);
                index.ready.add(key);
                created.add(record);
            }
        }
        if (journal != null && !created.isEmpty()) {
            journal.append(created);
        }
        return created.size();
    }

    public synchronized void put(final PartitionRecord record) {
        final SourceIndex index = index(record.sourceId());
        index.replace(record);
        if (journal != null) {
            journal.append(List.of(record));
        }
    }

    /** Takes the next partition that is free now, assigning it to {@code owner} until {@code leaseUntil}. */
    public synchronized Optional<PartitionRecord> acquire(final String sourceId, final String owner, final Instant now, final Instant leaseUntil) {
        final SourceIndex index = index(sourceId);
        index.promoteDue(now);
        String key;
        while ((key = index.ready.poll()) != null) {
            final PartitionRecord record = index.records.get(key);
            if (record != null && (record.status() == PartitionStatus.UNASSIGNED || record.status() == PartitionStatus.CLOSED)
                    && (record.availableAfter() == null || !record.availableAfter().isAfter(now))) {
                final PartitionRecord assigned = record.withStatus(PartitionStatus.ASSIGNED, owner, leaseUntil, null);
                put(assigned);
                return Optional.of(assigned);
            }
        }
        return Optional.empty();
    }

    public synchronized boolean hasAvailable(final String sourceId, final Instant now) {
        final SourceIndex index = index(sourceId);
        index.promoteDue(now);
        return !index.ready.isEmpty();
    }

    public synchronized Map<String, Object> globalState(final String sourceId) {
        return new LinkedHashMap<>(globalStates.getOrDefault(sourceId, Map.of()));
    }

    public synchronized void putGlobalState(final String sourceId, final Map<String, Object> state) {
        final Map<String, Object> copy = new LinkedHashMap<>(state);
        if (copy.equals(globalStates.get(sourceId))) {
            return;
        }
        globalStates.put(sourceId, copy);
        if (journal != null) {
            journal.appendGlobalState(sourceId, copy);
        }
    }

    public synchronized Map<PartitionStatus, Integer> countByStatus(final String sourceId) {
        final Map<PartitionStatus, Integer> counts = new EnumMap<>(PartitionStatus.class);
        final SourceIndex index = index(sourceId);
        for (final PartitionRecord record : index.records.values()) {
            counts.merge(record.status(), 1, Integer::sum);
        }
        if (index.completed.size() > 0) {
            counts.merge(PartitionStatus.COMPLETED, index.completed.size(), Integer::sum);
        }
        return counts;
    }

    @Override
    public synchronized void close() {
        if (journal != null) {
            journal.close();
        }
    }

    /**
     * One source's partitions: ready now, waiting for a time (closed, delayed give-up), or leased, each with its
     * record; completed ones only as a key fingerprint (a completed partition never changes again, and a scan of
     * millions of objects must fit a small heap).
     */
    private static final class SourceIndex {
        /** Below this many lease entries the queue is not searched for superseded ones. */
        private static final int MIN_WAITING_TO_PURGE = 1024;

        private final String sourceId;
        private final Map<String, PartitionRecord> records = new HashMap<>();
        private final CompletedKeys completed = new CompletedKeys();
        private final ArrayDeque<String> ready = new ArrayDeque<>();
        private final PriorityQueue<PartitionRecord> waiting = new PriorityQueue<>(Comparator.comparing(SourceIndex::dueTime));

        SourceIndex(final String sourceId) {
            this.sourceId = sourceId;
        }

        private static Instant dueTime(final PartitionRecord record) {
            return record.status() == PartitionStatus.ASSIGNED ? record.leaseUntil() : record.availableAfter();
        }

        PartitionRecord get(final String key) {
            final PartitionRecord record = records.get(key);
            if (record != null || !completed.contains(key)) {
                return record;
            }
            return new PartitionRecord(sourceId, key, PartitionStatus.COMPLETED, null, null, null, 0, 0, null);
        }

        /** The partition's new state: kept and scheduled, or, once completed, kept as its key's fingerprint only. */
        void replace(final PartitionRecord record) {
            if (record.status() == PartitionStatus.COMPLETED) {
                records.remove(record.partitionKey());
                completed.add(record.partitionKey());
                return;
            }
            records.put(record.partitionKey(), record);
            schedule(record);
            purgeSupersededWaits();
        }

        void schedule(final PartitionRecord record) {
            switch (record.status()) {
                case UNASSIGNED, CLOSED -> {
                    if (record.availableAfter() == null) {
                        ready.add(record.partitionKey());
                    } else {
                        waiting.add(record);
                    }
                }
                case ASSIGNED -> {
                    if (record.leaseUntil() != null) {
                        waiting.add(record);
                    }
                }
                case COMPLETED -> {
                }
            }
        }

        /**
         * Drops the waiting entries of records replaced since (each lease renewal and each completion leaves one
         * behind until its time): once they outnumber the live partitions, a scan's queue would otherwise hold an
         * entry per object for the whole lease.
         */
        private void purgeSupersededWaits() {
            if (waiting.size() > MIN_WAITING_TO_PURGE && waiting.size() > 2 * records.size()) {
                waiting.removeIf(entry -> records.get(entry.partitionKey()) != entry);
            }
        }

        /** Moves partitions whose wait is over (or whose lease lapsed) to the ready queue; stale entries are skipped. */
        void promoteDue(final Instant now) {
            while (!waiting.isEmpty() && !dueTime(waiting.peek()).isAfter(now)) {
                final PartitionRecord due = waiting.poll();
                final PartitionRecord current = records.get(due.partitionKey());
                if (current == null || !current.equals(due)) {
                    continue;
                }
                if (current.status() == PartitionStatus.ASSIGNED) {
                    records.put(current.partitionKey(), current.withStatus(PartitionStatus.UNASSIGNED, null, null, null));
                }
                ready.add(current.partitionKey());
            }
        }
    }
}
