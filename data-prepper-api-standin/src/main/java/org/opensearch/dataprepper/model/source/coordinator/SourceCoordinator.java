package org.opensearch.dataprepper.model.source.coordinator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Hands out partitions of source work so that each is processed once, across workers, nodes and restarts.
 *
 * @param <T> the progress state saved with each partition
 */
public interface SourceCoordinator<T> {
    void initialize();

    /**
     * Acquires an available partition. When none is available, {@code partitionCreationSupplier} is called
     * (with the source's global state map, which it may update) to list new partitions.
     */
    Optional<SourcePartition<T>> getNextPartition(Function<Map<String, Object>, List<PartitionIdentifier>> partitionCreationSupplier);

    Optional<SourcePartition<T>> getNextPartition(Function<Map<String, Object>, List<PartitionIdentifier>> partitionCreationSupplier,
                                                  boolean forceSupplier);

    void createPartitions(List<PartitionIdentifier> partitionIdentifiers);

    void completePartition(String partitionKey, Boolean fromAcknowledgmentsCallback);

    void closePartition(String partitionKey, Duration reopenAfter, int maxClosedCount, Boolean fromAcknowledgmentsCallback);

    <S extends T> void saveProgressStateForPartition(String partitionKey, S partitionProgressState);

    void giveUpPartition(String partitionKey);

    void giveUpPartition(String partitionKey, Instant priorityTimestamp);

    void giveUpPartition(String partitionKey, Instant priorityTimestamp, Integer maxRetries);

    void updatePartitionForAcknowledgmentWait(String partitionKey, Duration ackowledgmentTimeout);

    void renewPartitionOwnership(String partitionKey);

    void deletePartition(String partitionKey);
}
