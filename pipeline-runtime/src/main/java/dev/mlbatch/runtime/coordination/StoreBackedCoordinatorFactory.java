package dev.mlbatch.runtime.coordination;

import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.source.coordinator.SourceCoordinator;

import java.time.Clock;
import java.util.UUID;

/** Coordinators for this runtime's sources, all sharing one store; ids follow upstream's {@code [prefix|]pipeline}. */
public final class StoreBackedCoordinatorFactory implements SourceCoordinatorFactory {
    private final PartitionStore store;
    private final String partitionPrefix;
    private final String runId = UUID.randomUUID().toString();

    public StoreBackedCoordinatorFactory(final PartitionStore store, final String partitionPrefix) {
        this.store = store;
        this.partitionPrefix = partitionPrefix;
    }

    @Override
    public <T> SourceCoordinator<T> create(final String pipelineName, final Class<T> progressStateClass) {
        final String sourceId = partitionPrefix == null || partitionPrefix.isBlank() ? pipelineName : partitionPrefix + "|" + pipelineName;
        return new LeaseBasedSourceCoordinator<>(sourceId, sourceId + ":" + runId, progressStateClass, store,
                PluginMetrics.fromNames("source-coordinator", pipelineName), Clock.systemUTC());
    }
}
