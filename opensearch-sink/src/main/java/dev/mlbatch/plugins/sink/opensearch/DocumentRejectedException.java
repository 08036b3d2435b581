package dev.mlbatch.plugins.sink.opensearch;

/** An event that cannot become a bulk operation (missing id field, unknown action, ...); it goes to the DLQ. */
public class DocumentRejectedException extends RuntimeException {
    public DocumentRejectedException(final String message, final Throwable cause) {
        super(message, cause);
    }

    public DocumentRejectedException(final String message) {
        super(message);
    }
}
