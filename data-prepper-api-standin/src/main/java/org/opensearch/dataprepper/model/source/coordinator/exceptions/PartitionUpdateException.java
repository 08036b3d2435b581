package org.opensearch.dataprepper.model.source.coordinator.exceptions;

public class PartitionUpdateException extends RuntimeException {
    public PartitionUpdateException(final String message) {
        super(message);
    }
}
