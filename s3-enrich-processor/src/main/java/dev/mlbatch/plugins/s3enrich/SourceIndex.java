package dev.mlbatch.plugins.s3enrich;

import java.util.HashMap;
import java.util.Map;

/**
 * One source object, reduced to what the join needs: per correlation value, the fields to merge
 * ({@link MergedFields}). Only these values are kept, not whole events, so the cache's
 * memory follows the merged fields, not the source records' size. Immutable once built.
 */
final class SourceIndex {
    private final String uri;
    private final Map<String, Map<String, Object>> valuesByCorrelation;
    private final int recordsWithoutCorrelationValue;
    private final int repeatedCorrelationValues;
    private final String unreadablePart;

    private SourceIndex(final Builder builder) {
        this.uri = builder.uri;
        this.valuesByCorrelation = builder.values;
        this.recordsWithoutCorrelationValue = builder.withoutValue;
        this.repeatedCorrelationValues = builder.repeated;
        this.unreadablePart = builder.unreadablePart;
    }

    String uri() {
        return uri;
    }

    /** The fields to merge of the record with this correlation value, or null when the object has none. */
    Map<String, Object> find(final String correlationValue) {
        return valuesByCorrelation.get(correlationValue);
    }

    /** Records held (one per distinct correlation value): what the cache's {@code cache_max_count} counts. */
    int size() {
        return valuesByCorrelation.size();
    }

    int recordsWithoutCorrelationValue() {
        return recordsWithoutCorrelationValue;
    }

    int repeatedCorrelationValues() {
        return repeatedCorrelationValues;
    }

    /** Why part of the object could not be read (its records there are not held), or null when it was read whole. */
    String unreadablePart() {
        return unreadablePart;
    }

    static Builder builder(final String uri) {
        return new Builder(uri);
    }

    static final class Builder {
        private final String uri;
        private final Map<String, Map<String, Object>> values = new HashMap<>();
        private int withoutValue;
        private int repeated;
        private String unreadablePart;

        private Builder(final String uri) {
            this.uri = uri;
        }

        /** A later record with the same value replaces the earlier one, as a later document replaces an earlier one in the index. */
        Builder add(final String correlationValue, final Map<String, Object> mergeValues) {
            if (correlationValue == null) {
                withoutValue++;
            } else if (values.put(correlationValue, mergeValues) != null) {
                repeated++;
            }
            return this;
        }

        boolean isEmpty() {
            return values.isEmpty() && withoutValue == 0;
        }

        Builder unreadablePart(final String why) {
            this.unreadablePart = why;
            return this;
        }

        SourceIndex build() {
            return new SourceIndex(this);
        }
    }
}
