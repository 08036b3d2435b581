package org.opensearch.dataprepper.model.pipeline;

import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.util.Collection;

public interface HeadlessPipeline {
    void setAcknowledgementsEnabled(boolean enabled);

    void sendEvents(Collection<Record<Event>> records);
}
