package org.opensearch.dataprepper.model.event.exceptions;

public class EventKeyNotFoundException extends RuntimeException {
    public EventKeyNotFoundException(final String message) {
        super(message);
    }
}
