package dev.mlbatch.plugins.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventType;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.record.Record;

/** Wraps parsed data in a record holding a log event, the event type upstream's codecs produce. */
final class LogRecords {
    private static final String LOG_EVENT_TYPE = EventType.LOG.toString();

    private LogRecords() {
    }

    static Record<Event> of(final Object data) {
        return new Record<>(JacksonEvent.builder().withEventType(LOG_EVENT_TYPE).withData(data).build());
    }

    static Record<Event> of(final ObjectNode data) {
        return of((Object) data);
    }
}
