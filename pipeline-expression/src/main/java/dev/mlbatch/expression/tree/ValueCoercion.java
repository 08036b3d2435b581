package dev.mlbatch.expression.tree;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;

/**
 * Upstream's literal type conversions for values read from an event: the JSON types pass through, Double becomes
 * Float (so that event values compare like float literals), anything else is an error.
 */
public final class ValueCoercion {
    private ValueCoercion() {
    }

    public static Object coerce(final Object value, final String key) {
        if (value == null
                || value instanceof String
                || value instanceof Integer
                || value instanceof Boolean
                || value instanceof Float
                || value instanceof Long
                || value instanceof BigDecimal
                || value.getClass() == ArrayList.class
                || value.getClass() == LinkedHashMap.class) {
            return value;
        }
        if (value instanceof Double) {
            return ((Double) value).floatValue();
        }
        throw EvaluationErrors.failure(key, "unsupported value type " + value.getClass().getName());
    }
}
