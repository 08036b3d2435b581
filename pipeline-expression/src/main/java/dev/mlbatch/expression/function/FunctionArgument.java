package dev.mlbatch.expression.function;

import dev.mlbatch.expression.tree.EventValueReader;
import org.opensearch.dataprepper.model.event.Event;

/**
 * One argument of a function call: an unquoted JSON pointer names an event key; anything quoted (a string, or a
 * quoted pointer) is a plain string, as upstream.
 */
public final class FunctionArgument {
    private final String source;
    private final int position;
    private final String literal;
    private final EventValueReader eventKey;

    private FunctionArgument(final String source, final int position, final String literal,
                             final EventValueReader eventKey) {
        this.source = source;
        this.position = position;
        this.literal = literal;
        this.eventKey = eventKey;
    }

    public static FunctionArgument literal(final String source, final int position, final String value) {
        return new FunctionArgument(source, position, value, null);
    }

    public static FunctionArgument eventKey(final String source, final int position, final EventValueReader reader) {
        return new FunctionArgument(source, position, null, reader);
    }

    public boolean isEventKey() {
        return eventKey != null;
    }

    /** The argument as written in the statement. */
    public String source() {
        return source;
    }

    /** 0-based character offset of the argument in the statement, for error messages. */
    public int position() {
        return position;
    }

    /** The string value of a quoted argument; null for an event key. */
    public String literal() {
        return literal;
    }

    public EventValueReader eventKey() {
        return eventKey;
    }

    /** The literal, or the event's raw value at the key (null when missing). */
    public Object resolve(final Event event) {
        return eventKey != null ? eventKey.read(event) : literal;
    }
}
