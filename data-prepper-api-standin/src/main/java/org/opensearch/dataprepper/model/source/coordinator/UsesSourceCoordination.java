package org.opensearch.dataprepper.model.source.coordinator;

/** Implemented by sources that split their work into partitions through a {@link SourceCoordinator}. */
public interface UsesSourceCoordination {
    <T> void setSourceCoordinator(SourceCoordinator<T> sourceCoordinator);

    Class<?> getPartitionProgressStateClass();
}
