package dev.mlbatch.plugins.s3source;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.util.Optional;

/** Sorts what went wrong while reading an object into what the source does about it. */
public final class ObjectReadFailure {
    /** What to do with the object's partition. */
    public enum Kind {
        /** The listed version no longer exists (404): nothing left to read. */
        VANISHED,
        /** The object changed between listing and read (412 on If-Match): its new version is a new partition. */
        CHANGED,
        /** 403: access denied, or the bucket is not owned by the expected owner. Retried, then parked. */
        ACCESS_DENIED,
        /** S3 throttled us beyond the SDK's retries. Retried, then parked. */
        THROTTLED,
        /** Network or server trouble beyond the SDK's retries and our resumes. Retried, then parked. */
        TRANSIENT,
        /** The bytes are not what the compression or codec expects. Parked at once: retrying cannot help. */
        BAD_CONTENT
    }

    private final Kind kind;
    private final String reason;

    private ObjectReadFailure(final Kind kind, final String reason) {
        this.kind = kind;
        this.reason = reason;
    }

    public Kind getKind() {
        return kind;
    }

    public String getReason() {
        return reason;
    }

    public boolean isRetryable() {
        return kind == Kind.ACCESS_DENIED || kind == Kind.THROTTLED || kind == Kind.TRANSIENT;
    }

    public static ObjectReadFailure classify(final Throwable failure) {
        final Optional<S3Exception> s3Exception = find(failure, S3Exception.class);
        if (s3Exception.isPresent()) {
            final S3Exception e = s3Exception.get();
            final String reason = ScanPartitionSupplier.errorCode(e) + " (HTTP " + e.statusCode() + ")";
            if (e.statusCode() == 404) {
                return new ObjectReadFailure(Kind.VANISHED, reason);
            }
            if (e.statusCode() == 412) {
                return new ObjectReadFailure(Kind.CHANGED, reason);
            }
            if (e.statusCode() == 403) {
                return new ObjectReadFailure(Kind.ACCESS_DENIED, reason);
            }
            if (e.isThrottlingException() || e.statusCode() == 503) {
                return new ObjectReadFailure(Kind.THROTTLED, reason);
            }
            return new ObjectReadFailure(Kind.TRANSIENT, reason);
        }
        final Optional<S3ReadException> readException = find(failure, S3ReadException.class);
        if (readException.isPresent()) {
            return new ObjectReadFailure(Kind.TRANSIENT, readException.get().getMessage());
        }
        final Optional<SdkClientException> clientException = find(failure, SdkClientException.class);
        if (clientException.isPresent()) {
            return new ObjectReadFailure(Kind.TRANSIENT, clientException.get().getMessage());
        }
        return new ObjectReadFailure(Kind.BAD_CONTENT, describe(failure));
    }

    private static String describe(final Throwable failure) {
        final String message = failure.getMessage() == null ? "" : failure.getMessage().replace('\n', ' ');
        final String type = failure instanceof IOException ? failure.getClass().getSimpleName() : failure.getClass().getName();
        return type + (message.isEmpty() ? "" : ": " + message);
    }

    private static <T extends Throwable> Optional<T> find(final Throwable failure, final Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }
}
