package dev.mlbatch.plugins.sink.opensearch;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The bulk actions of upstream's {@code OpenSearchBulkActions}. */
public enum BulkAction {
    INDEX("index"),
    CREATE("create"),
    UPDATE("update"),
    UPSERT("upsert"),
    DELETE("delete");

    private final String value;

    BulkAction(final String value) {
        this.value = value;
    }

    public String getValue() {
        return value;
    }

    /** Whether the action addresses an existing document, so it cannot work without a document id. */
    public boolean requiresDocumentId() {
        return this == UPDATE || this == UPSERT || this == DELETE;
    }

    public static Optional<BulkAction> fromValue(final String value) {
        if (value == null) {
            return Optional.empty();
        }
        final String lower = value.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(a -> a.value.equals(lower)).findFirst();
    }

    public static String allowedValues() {
        return Arrays.stream(values()).map(BulkAction::getValue).collect(Collectors.joining(", "));
    }
}
