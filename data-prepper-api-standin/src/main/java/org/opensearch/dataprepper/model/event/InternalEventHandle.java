package org.opensearch.dataprepper.model.event;

import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSet;

/** The side of an event handle that the framework, not plugins, uses. */
public interface InternalEventHandle {
    void addAcknowledgementSet(AcknowledgementSet acknowledgementSet);

    boolean hasAcknowledgementSet();

    void acquireReference();

    void addEventHandle(EventHandle eventHandle);
}
