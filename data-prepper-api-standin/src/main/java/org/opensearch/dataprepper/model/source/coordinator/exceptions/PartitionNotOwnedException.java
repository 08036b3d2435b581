package org.opensearch.dataprepper.model.source.coordinator.exceptions;

public class PartitionNotOwnedException extends RuntimeException {
    public PartitionNotOwnedException(final String message) {
        super(message);
    }
}
