package dev.mlbatch.plugins.mlinference.client;

/**
 * A call to OpenAI's or Cohere's own API (upload, download, listing) that did not succeed: the HTTP status and the
 * provider's message, or no answer at all (status 0).
 */
public class ProviderApiException extends RuntimeException {
    public static final int NO_RESPONSE = 0;

    private final int status;

    public ProviderApiException(final int status, final String message) {
        super(message);
        this.status = status;
    }

    public ProviderApiException(final String message, final Throwable cause) {
        super(message, cause);
        this.status = NO_RESPONSE;
    }

    public int status() {
        return status;
    }

    /** Worth trying again later: no answer, the provider's rate limit (429), a timeout or a server error. */
    public boolean isRetryable() {
        return status == NO_RESPONSE || status == 408 || status == 409 || status == 429 || status >= 500;
    }
}
