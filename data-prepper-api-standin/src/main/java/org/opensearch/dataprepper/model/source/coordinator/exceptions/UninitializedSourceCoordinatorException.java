package org.opensearch.dataprepper.model.source.coordinator.exceptions;

public class UninitializedSourceCoordinatorException extends RuntimeException {
    public UninitializedSourceCoordinatorException(final String message) {
        super(message);
    }
}
