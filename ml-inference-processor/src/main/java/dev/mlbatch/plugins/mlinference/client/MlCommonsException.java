package dev.mlbatch.plugins.mlinference.client;

/**
 * A call to ML Commons that did not succeed: an HTTP error answer (status, OpenSearch error type and
 * reason), or no answer at all ({@link #isConnectionFailure()}).
 */
public class MlCommonsException extends Exception {
    public static final int NO_RESPONSE = 0;

    private final int status;
    private final String errorType;
    private final String reason;

    public MlCommonsException(final int status, final String errorType, final String reason) {
        super(status == NO_RESPONSE ? reason : "HTTP " + status + (errorType == null ? "" : " " + errorType) + ": " + reason);
        this.status = status;
        this.errorType = errorType;
        this.reason = reason;
    }

    /**
     * An error answer, its message naming the call it answered ({@code where}: method, path and host), so that a
     * 403 or 404 says which model, task and endpoint it is about. {@link #reason()} stays the service's own words.
     */
    public MlCommonsException(final int status, final String errorType, final String reason, final String where) {
        super("HTTP " + status + (errorType == null ? "" : " " + errorType) + ": " + reason + " (" + where + ")");
        this.status = status;
        this.errorType = errorType;
        this.reason = reason;
    }

    public MlCommonsException(final String reason, final Throwable cause) {
        super(reason, cause);
        this.status = NO_RESPONSE;
        this.errorType = null;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    public String reason() {
        return reason;
    }

    public boolean isConnectionFailure() {
        return status == NO_RESPONSE;
    }
}
