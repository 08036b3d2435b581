package dev.mlbatch.expression.tree;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The type names {@code typeof} accepts, and what each matches. */
public enum DataTypeName {
    INTEGER,
    LONG,
    DOUBLE,
    BIG_DECIMAL,
    BOOLEAN,
    STRING,
    MAP,
    ARRAY;

    public static Optional<DataTypeName> fromName(final String name) {
        for (final DataTypeName type : values()) {
            if (type.typeName().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    public String typeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean matches(final Object value) {
        switch (this) {
            case INTEGER:
                return value instanceof Integer;
            case LONG:
                return value instanceof Long;
            case DOUBLE:
                return value instanceof Double;
            case BIG_DECIMAL:
                return value instanceof BigDecimal;
            case BOOLEAN:
                return value instanceof Boolean;
            case STRING:
                return value instanceof String;
            case MAP:
                return value instanceof Map;
            default:
                return value instanceof List || (value != null && value.getClass().isArray());
        }
    }
}
