package dev.mlbatch.runtime.coordination;

import org.opensearch.dataprepper.model.source.coordinator.SourceCoordinator;

/** Gives each coordinated source its coordinator, scoped to its pipeline. */
public interface SourceCoordinatorFactory {
    <T> SourceCoordinator<T> create(String pipelineName, Class<T> progressStateClass);
}
