package org.opensearch.dataprepper.model.event;

public enum EventType {
    LOG("LOG"),
    TRACE("TRACE"),
    METRIC("METRIC"),
    DOCUMENT("DOCUMENT");

    private final String name;

    EventType(final String name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return name;
    }
}
