package org.opensearch.dataprepper.model.event;

/** A key into an {@link Event}, created once by an {@link EventKeyFactory} and reused per event. */
public interface EventKey {
    String getKey();
}
