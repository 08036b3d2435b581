package dev.mlbatch.plugins.sink.opensearch;

import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.transport.httpclient5.ResponseException;

/** Finds the HTTP status behind a client exception (0 when the server never answered) and says whether to retry. */
public final class FailureStatus {
    private FailureStatus() {
    }

    public static int of(final Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OpenSearchException) {
                return ((OpenSearchException) t).status();
            }
            if (t instanceof ResponseException) {
                return ((ResponseException) t).status();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return 0;
    }

    /** 429, 5xx, 408 and "no answer" (connection refused, timeout) may succeed later; other statuses will not. */
    public static boolean isRetryable(final int status) {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }

    /** One line for logs and the DLQ: the server's error type and reason, or the exception's message. */
    public static String describe(final Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OpenSearchException) {
                final OpenSearchException e = (OpenSearchException) t;
                return "HTTP " + e.status() + " " + e.error().type() + ": " + e.error().reason();
            }
            if (t instanceof ResponseException) {
                final String message = String.valueOf(t.getMessage());
                final int newline = message.indexOf('\n');
                return "HTTP " + ((ResponseException) t).status() + ": " + (newline < 0 ? message : message.substring(0, newline));
            }
            if (t.getCause() == null || t.getCause() == t) {
                return t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return String.valueOf(failure);
    }
}
