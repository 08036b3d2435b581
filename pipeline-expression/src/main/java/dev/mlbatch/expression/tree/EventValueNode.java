package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.model.event.Event;

/** A JSON pointer operand: the event's value at the key, coerced; a missing key is null. */
public final class EventValueNode implements ExpressionNode {
    private final EventValueReader reader;

    public EventValueNode(final EventValueReader reader) {
        this.reader = reader;
    }

    @Override
    public Object evaluate(final Event event) {
        return ValueCoercion.coerce(reader.read(event), reader.key());
    }
}
