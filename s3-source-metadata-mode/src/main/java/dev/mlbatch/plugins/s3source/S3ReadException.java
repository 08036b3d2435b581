package dev.mlbatch.plugins.s3source;

import java.io.IOException;

/** Reading an object's bytes from S3 failed (network, after resumes): worth retrying, unlike bad content. */
public class S3ReadException extends IOException {
    public S3ReadException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
