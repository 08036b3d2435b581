package dev.mlbatch.runtime.coordination;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.micrometer.core.instrument.Counter;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.source.coordinator.PartitionIdentifier;
import org.opensearch.dataprepper.model.source.coordinator.SourceCoordinator;
import org.opensearch.dataprepper.model.source.coordinator.SourcePartition;
import org.opensearch.dataprepper.model.source.coordinator.exceptions.PartitionNotFoundException;
import org.opensearch.dataprepper.model.source.coordinator.exceptions.PartitionNotOwnedException;
import org.opensearch.dataprepper.model.source.coordinator.exceptions.PartitionUpdateException;
import org.opensearch.dataprepper.model.source.coordinator.exceptions.UninitializedSourceCoordinatorException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Upstream's lease-based coordination on one node: partitions are leased (10 minutes by default), only one worker
 * at a time lists new partitions, and a partition that exists in the store — completed or not — is never
 * created again, which is what keeps an object from being processed twice.
 */
public final class LeaseBasedSourceCoordinator<T> implements SourceCoordinator<T> {
    static final Duration DEFAULT_LEASE = Duration.ofMinutes(10);

    private final String sourceId;
    private final String ownerId;
    private final Class<T> progressStateClass;
    private final PartitionStore store;
    private final Clock clock;
    private final ObjectMapper mapper = JsonMapper.builder().addModule(new JavaTimeModule()).build();
    private final ReentrantLock supplierLock = new ReentrantLock();
    private final Counter supplierInvocations;
    private final Counter partitionsCreated;
    private final Counter partitionsAcquired;
    private final Counter partitionsCompleted;
    private final Counter partitionsClosed;
    private final Counter partitionsGivenUp;
    private final Counter noPartitionsAcquired;
    private volatile boolean initialized;

    public LeaseBasedSourceCoordinator(final String sourceId, final String ownerId, final Class<T> progressStateClass,
                                       final PartitionStore store, final PluginMetrics metrics, final Clock clock) {
        this.sourceId = sourceId;
        this.ownerId = ownerId;
        this.progressStateClass = progressStateClass;
        this.store = store;
        this.clock = clock;
        this.supplierInvocations = metrics.counter("partitionCreationSupplierInvocations");
        this.partitionsCreated = metrics.counter("partitionsCreatedCount");
        this.partitionsAcquired = metrics.counter("partitionsAcquired");
        this.partitionsCompleted = metrics.counter("partitionsCompleted");
        this.partitionsClosed = metrics.counter("partitionsClosed");
        this.partitionsGivenUp = metrics.counter("partitionsGivenUp");
        this.noPartitionsAcquired = metrics.counter("noPartitionsAcquired");
    }

    @Override
    public void initialize() {
        initialized = true;
    }

    private void checkInitialized() {
        if (!initialized) {
            throw new UninitializedSourceCoordinatorException("The source coordinator must be initialized before use");
        }
    }

    @Override
    public Optional<SourcePartition<T>> getNextPartition(final Function<Map<String, Object>, List<PartitionIdentifier>> supplier) {
        return getNextPartition(supplier, false);
    }

    @Override
    public Optional<SourcePartition<T>> getNextPartition(final Function<Map<String, Object>, List<PartitionIdentifier>> supplier,
                                                         final boolean forceSupplier) {
        checkInitialized();
        if ((forceSupplier || !store.hasAvailable(sourceId, clock.instant())) && supplierLock.tryLock()) {
            try {
                final Map<String, Object> globalState = store.globalState(sourceId);
                supplierInvocations.increment();
                final List<PartitionIdentifier> identifiers = supplier.apply(globalState);
                store.putGlobalState(sourceId, globalState);
                if (identifiers != null && !identifiers.isEmpty()) {
                    createPartitions(identifiers);
                }
            } finally {
                supplierLock.unlock();
            }
        }
        final Instant now = clock.instant();
        final Optional<PartitionRecord> acquired = store.acquire(sourceId, ownerId, now, now.plus(DEFAULT_LEASE));
        if (acquired.isEmpty()) {
            noPartitionsAcquired.increment();
            return Optional.empty();
        }
        partitionsAcquired.increment();
        final PartitionRecord record = acquired.get();
        return Optional.of(SourcePartition.builder(progressStateClass)
                .withPartitionKey(record.partitionKey())
                .withPartitionState(readState(record))
                .withPartitionClosedCount(record.closedCount())
                .build());
    }

    @Override
    public void createPartitions(final List<PartitionIdentifier> partitionIdentifiers) {
        checkInitialized();
        partitionsCreated.increment(store.createIfAbsent(sourceId,
                partitionIdentifiers.stream().map(PartitionIdentifier::getPartitionKey).toList()));
    }

    @Override
    public void completePartition(final String partitionKey, final Boolean fromAcknowledgmentsCallback) {
        final PartitionRecord record = owned(partitionKey, fromAcknowledgmentsCallback);
        store.put(record.withStatus(PartitionStatus.COMPLETED, null, null, null));
        partitionsCompleted.increment();
    }

    @Override
    public void closePartition(final String partitionKey, final Duration reopenAfter, final int maxClosedCount,
                               final Boolean fromAcknowledgmentsCallback) {
        final PartitionRecord record = owned(partitionKey, fromAcknowledgmentsCallback);
        final long closedCount = record.closedCount() + 1;
        final PartitionRecord counted = record.withCounts(closedCount, record.givenUpCount());
        if (closedCount >= maxClosedCount) {
            store.put(counted.withStatus(PartitionStatus.COMPLETED, null, null, null));
            partitionsCompleted.increment();
        } else {
            store.put(counted.withStatus(PartitionStatus.CLOSED, null, null, clock.instant().plus(reopenAfter)));
            partitionsClosed.increment();
        }
    }

    @Override
    public <S extends T> void saveProgressStateForPartition(final String partitionKey, final S partitionProgressState) {
        final PartitionRecord record = owned(partitionKey, false);
        final Instant now = clock.instant();
        store.put(record.withProgressState(writeState(partitionProgressState))
                .withStatus(PartitionStatus.ASSIGNED, ownerId, now.plus(DEFAULT_LEASE), null));
    }

    @Override
    public void giveUpPartition(final String partitionKey) {
        giveUpPartition(partitionKey, null, null);
    }

    @Override
    public void giveUpPartition(final String partitionKey, final Instant priorityTimestamp) {
        giveUpPartition(partitionKey, priorityTimestamp, null);
    }

    /** Frees the partition for another attempt; a priority timestamp in the future delays that attempt until then. */
    @Override
    public void giveUpPartition(final String partitionKey, final Instant priorityTimestamp, final Integer maxRetries) {
        final Optional<PartitionRecord> current = store.get(sourceId, partitionKey);
        if (current.isEmpty() || current.get().status() == PartitionStatus.COMPLETED) {
            return;
        }
        final PartitionRecord record = current.get();
        final int givenUp = record.givenUpCount() + 1;
        final PartitionRecord counted = record.withCounts(record.closedCount(), givenUp);
        if (maxRetries != null && givenUp > maxRetries) {
            store.put(counted.withStatus(PartitionStatus.COMPLETED, null, null, null));
            partitionsCompleted.increment();
            return;
        }
        final Instant availableAfter = priorityTimestamp != null && priorityTimestamp.isAfter(clock.instant()) ? priorityTimestamp : null;
        store.put(counted.withStatus(PartitionStatus.UNASSIGNED, null, null, availableAfter));
        partitionsGivenUp.increment();
    }

    @Override
    public void updatePartitionForAcknowledgmentWait(final String partitionKey, final Duration ackowledgmentTimeout) {
        final PartitionRecord record = owned(partitionKey, false);
        store.put(record.withStatus(PartitionStatus.ASSIGNED, ownerId, clock.instant().plus(ackowledgmentTimeout), null));
    }

    @Override
    public void renewPartitionOwnership(final String partitionKey) {
        final PartitionRecord record = owned(partitionKey, false);
        final Instant current = record.leaseUntil() == null ? clock.instant() : record.leaseUntil();
        final Instant renewed = clock.instant().plus(DEFAULT_LEASE);
        store.put(record.withStatus(PartitionStatus.ASSIGNED, ownerId, renewed.isAfter(current) ? renewed : current, null));
    }

    @Override
    public void deletePartition(final String partitionKey) {
        final PartitionRecord record = owned(partitionKey, false);
        // A deleted partition must not be recreated by the next listing, so it is kept as completed.
        store.put(record.withStatus(PartitionStatus.COMPLETED, null, null, null));
    }

    /** The partition, which this node must still own unless an acknowledgement callback settles it. */
    private PartitionRecord owned(final String partitionKey, final Boolean fromAcknowledgmentsCallback) {
        checkInitialized();
        final PartitionRecord record = store.get(sourceId, partitionKey).orElseThrow(() ->
                new PartitionNotFoundException("Partition " + partitionKey + " of " + sourceId + " does not exist"));
        final boolean settledByAcknowledgement = Boolean.TRUE.equals(fromAcknowledgmentsCallback);
        if (!settledByAcknowledgement && (record.status() != PartitionStatus.ASSIGNED || !ownerId.equals(record.owner()))) {
            throw new PartitionNotOwnedException("Partition " + partitionKey + " is " + record.status() + " and not owned by this node");
        }
        if (settledByAcknowledgement && record.status() == PartitionStatus.COMPLETED) {
            throw new PartitionUpdateException("Partition " + partitionKey + " is already completed");
        }
        return record;
    }

    private T readState(final PartitionRecord record) {
        if (record.progressState() == null || progressStateClass == null) {
            return null;
        }
        try {
            return mapper.readValue(record.progressState(), progressStateClass);
        } catch (final JsonProcessingException e) {
            throw new PartitionUpdateException("Cannot read the saved state of partition " + record.partitionKey() + ": " + e.getOriginalMessage());
        }
    }

    private String writeState(final Object state) {
        try {
            return state == null ? null : mapper.writeValueAsString(state);
        } catch (final JsonProcessingException e) {
            throw new PartitionUpdateException("Cannot save the state of a partition: " + e.getOriginalMessage());
        }
    }
}
