package org.opensearch.dataprepper.model.event;

import java.time.Instant;
import java.util.function.BiConsumer;

/** Tracks one event for end-to-end acknowledgements. */
public interface EventHandle {
    /**
     * Releases the event.
     *
     * @param result true for a positive acknowledgement, false for a negative one
     * @return true if the handle was attached to at least one acknowledgement set
     */
    boolean release(boolean result);

    void setExternalOriginationTime(Instant externalOriginationTime);

    Instant getExternalOriginationTime();

    Instant getInternalOriginationTime();

    void onRelease(BiConsumer<EventHandle, Boolean> releaseConsumer);
}
