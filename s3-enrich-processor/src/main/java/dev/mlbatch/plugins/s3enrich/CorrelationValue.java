package dev.mlbatch.plugins.s3enrich;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The text a correlation key's value is compared by: a string as it is, an integer in decimal, so that a raw
 * document's {@code "_id": 12} matches a Bedrock output's {@code "recordId": "12"}. Anything else (null, blank,
 * a fraction, a boolean, an object, a list) names no record.
 */
final class CorrelationValue {
    private CorrelationValue() {
    }

    static String of(final Object value) {
        if (value instanceof String) {
            final String text = (String) value;
            return text.isBlank() ? null : text;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof BigDecimal) {
            final BigDecimal decimal = (BigDecimal) value;
            return decimal.stripTrailingZeros().scale() <= 0 ? decimal.toBigInteger().toString() : null;
        }
        return null;
    }
}
