package org.opensearch.dataprepper.model.event;

import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSet;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

public class DefaultEventHandle implements EventHandle, InternalEventHandle, Serializable {
    private Instant externalOriginationTime;
    private final Instant internalOriginationTime;
    private final transient List<AcknowledgementSet> acknowledgementSets = new CopyOnWriteArrayList<>();
    private final transient List<BiConsumer<EventHandle, Boolean>> releaseConsumers = new CopyOnWriteArrayList<>();

    public DefaultEventHandle(final Instant internalOriginationTime) {
        this.internalOriginationTime = internalOriginationTime;
    }

    @Override
    public void addAcknowledgementSet(final AcknowledgementSet acknowledgementSet) {
        acknowledgementSets.add(acknowledgementSet);
    }

    @Override
    public boolean hasAcknowledgementSet() {
        return !acknowledgementSets.isEmpty();
    }

    @Override
    public void acquireReference() {
        for (final AcknowledgementSet set : acknowledgementSets) {
            set.acquire(this);
        }
    }

    @Override
    public void addEventHandle(final EventHandle eventHandle) {
        for (final AcknowledgementSet set : acknowledgementSets) {
            set.add(eventHandle);
        }
    }

    @Override
    public boolean release(final boolean result) {
        for (final BiConsumer<EventHandle, Boolean> consumer : releaseConsumers) {
            consumer.accept(this, result);
        }
        boolean released = false;
        for (final AcknowledgementSet set : acknowledgementSets) {
            released |= set.release(this, result);
        }
        return released;
    }

    @Override
    public void onRelease(final BiConsumer<EventHandle, Boolean> releaseConsumer) {
        releaseConsumers.add(releaseConsumer);
    }

    @Override
    public void setExternalOriginationTime(final Instant externalOriginationTime) {
        this.externalOriginationTime = externalOriginationTime;
    }

    @Override
    public Instant getExternalOriginationTime() {
        return externalOriginationTime;
    }

    @Override
    public Instant getInternalOriginationTime() {
        return internalOriginationTime;
    }
}
