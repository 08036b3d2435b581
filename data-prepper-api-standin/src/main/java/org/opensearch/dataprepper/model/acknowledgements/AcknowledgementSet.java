package org.opensearch.dataprepper.model.acknowledgements;

import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventHandle;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/** A group of events whose callback runs once every event was released (or the set expired). */
public interface AcknowledgementSet {
    void add(EventHandle eventHandle);

    default void add(final Event event) {
        add(event.getEventHandle());
    }

    void acquire(EventHandle eventHandle);

    boolean release(EventHandle eventHandle, boolean result);

    /** No more events will be added; the callback may run once all are released. */
    void complete();

    void addProgressCheck(Consumer<ProgressCheck> progressCheckCallback, Duration progressCheckInterval);

    void increaseExpiry(Duration expiryIncrease);

    Instant getExpirationTime();

    void cancel();
}
