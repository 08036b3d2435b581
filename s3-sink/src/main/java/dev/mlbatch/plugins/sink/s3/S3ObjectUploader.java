package dev.mlbatch.plugins.sink.s3;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one whole object. Up to the multipart threshold it is one PutObject; above it a multipart upload, which
 * S3 only makes visible when it completes (and which is aborted on failure). Either way a reader never sees part
 * of an object. Throttling, 5xx and connection errors are retried with backoff up to max_retries; other errors
 * (missing bucket, access denied) fail at once.
 */
public class S3ObjectUploader {
    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectUploader.class);
    static final long DEFAULT_MULTIPART_THRESHOLD = 16L * 1024 * 1024;
    static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;

    /** How the uploader waits between attempts; tests replace it. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final S3Client s3;
    private final String bucket;
    private final int maxRetries;
    private final BackoffStrategy backoff;
    private final long multipartThreshold;
    private final int partSize;
    private final Sleeper sleeper;

    public S3ObjectUploader(final S3Client s3, final String bucket, final int maxRetries, final BackoffStrategy backoff,
                            final long multipartThreshold, final int partSize, final Sleeper sleeper) {
        this.s3 = s3;
        this.bucket = bucket;
        this.maxRetries = maxRetries;
        this.backoff = backoff;
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
        this.sleeper = sleeper;
    }

    /** Uploads the object; throws {@link S3UploadException} with the reason when it could not be written. */
    public void upload(final String key, final byte[] content, final String contentType) {
        for (int attempt = 0; ; attempt++) {
            try {
                if (content.length > multipartThreshold) {
                    multipart(key, content, contentType);
                } else {
                    s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(content));
                }
                return;
            } catch (final SdkException e) {
                final String reason = describe(e);
                if (!isRetryable(e) || attempt >= maxRetries) {
                    throw new S3UploadException("could not write s3://" + bucket + "/" + key + " (" + content.length
                            + " bytes) after " + (attempt + 1) + " attempt(s): " + reason, e);
                }
                // The SDK numbers attempts from 1 (the first try, no delay); the next one is attempt + 2 here.
                final Duration delay = backoff.computeDelay(attempt + 2);
                LOG.warn("s3 sink: writing s3://{}/{} failed ({}); retry {} of {} in {} ms", bucket, key, reason,
                        attempt + 1, maxRetries, delay.toMillis());
                try {
                    sleeper.sleep(delay);
                } catch (final InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new S3UploadException("interrupted while retrying s3://" + bucket + "/" + key + ": " + reason, e);
                }
            }
        }
    }

    private void multipart(final String key, final byte[] content, final String contentType) {
        final String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)).uploadId();
        try {
            final List<CompletedPart> parts = new ArrayList<>();
            int partNumber = 1;
            for (int offset = 0; offset < content.length; offset += partSize, partNumber++) {
                final int length = Math.min(partSize, content.length - offset);
                final int number = partNumber;
                final String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                                .contentLength((long) length),
                        RequestBody.fromRemainingByteBuffer(ByteBuffer.wrap(content, offset, length))).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (final SdkException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (final SdkException abortFailure) {
                LOG.warn("s3 sink: could not abort multipart upload {} of s3://{}/{}: {}", uploadId, bucket, key,
                        describe(abortFailure));
            }
            throw e;
        }
    }

    static boolean isRetryable(final SdkException e) {
        if (e instanceof S3Exception) {
            final int status = ((S3Exception) e).statusCode();
            return status == 429 || status >= 500 || status == 408;
        }
        return e instanceof SdkClientException;
    }

    static String describe(final SdkException e) {
        if (e instanceof S3Exception && ((S3Exception) e).awsErrorDetails() != null) {
            final S3Exception s3e = (S3Exception) e;
            return "HTTP " + s3e.statusCode() + " " + s3e.awsErrorDetails().errorCode() + ": " + s3e.awsErrorDetails().errorMessage();
        }
        return e.getMessage();
    }
}
