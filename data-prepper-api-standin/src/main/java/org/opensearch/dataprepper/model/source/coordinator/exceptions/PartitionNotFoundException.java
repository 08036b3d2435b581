package org.opensearch.dataprepper.model.source.coordinator.exceptions;

public class PartitionNotFoundException extends RuntimeException {
    public PartitionNotFoundException(final String message) {
        super(message);
    }
}
