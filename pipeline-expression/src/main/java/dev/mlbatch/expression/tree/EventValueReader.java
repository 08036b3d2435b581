package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventKey;

/**
 * Reads one event key. With an {@link EventKey} made by the runtime's factory the key is validated and its pointer
 * compiled once; without a factory the string form is used, which {@code Event.get(String, Class)} accepts.
 */
public final class EventValueReader {
    private final String key;
    private final EventKey eventKey;

    public EventValueReader(final String key, final EventKey eventKey) {
        this.key = key;
        this.eventKey = eventKey;
    }

    public String key() {
        return key;
    }

    public Object read(final Event event) {
        return read(event, Object.class);
    }

    public <T> T read(final Event event, final Class<T> type) {
        try {
            return eventKey != null ? event.get(eventKey, type) : event.get(key, type);
        } catch (final RuntimeException e) {
            throw EvaluationErrors.failure(key, "cannot read the key as " + type.getSimpleName(), e);
        }
    }
}
