package dev.mlbatch.plugins.sink.s3;

/** An object that could not be written; the message names the bucket, key and reason. */
public class S3UploadException extends RuntimeException {
    public S3UploadException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
