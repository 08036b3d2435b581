package dev.mlbatch.plugins.s3source;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Streams one object version as a series of ranged GETs. Memory stays flat whatever the object's size, a
 * reader that pauses (a full buffer downstream) does not hold one connection open for the whole object, and a
 * connection that breaks mid-object is resumed at the byte where it broke. Every request carries
 * {@code If-Match} with the listed ETag, so the bytes always belong to the listed version (a changed object
 * fails with 412 instead of mixing versions), and {@code expectedBucketOwner} when one is known.
 */
public class RangedObjectInputStream extends InputStream {
    private static final Logger LOG = LoggerFactory.getLogger(RangedObjectInputStream.class);
    static final long DEFAULT_RANGE_BYTES = 32L * 1024 * 1024;
    private static final int MAX_RESUMES_PER_RANGE = 3;

    private final S3Client s3Client;
    private final S3ObjectReference object;
    private final Optional<String> expectedBucketOwner;
    private final long rangeBytes;
    private long position = 0;
    private long currentRangeEnd = -1;
    private int resumesInRange = 0;
    private ResponseInputStream<GetObjectResponse> current;
    private boolean closed = false;

    public RangedObjectInputStream(final S3Client s3Client, final S3ObjectReference object,
                                   final Optional<String> expectedBucketOwner, final long rangeBytes) {
        this.s3Client = s3Client;
        this.object = object;
        this.expectedBucketOwner = expectedBucketOwner;
        this.rangeBytes = rangeBytes;
    }

    /** Bytes handed to the reader so far. */
    public long getPosition() {
        return position;
    }

    @Override
    public int read() throws IOException {
        final byte[] one = new byte[1];
        final int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(final byte[] buffer, final int offset, final int length) throws IOException {
        if (closed) {
            throw new IOException("stream closed: " + object.describe());
        }
        if (length == 0) {
            return 0;
        }
        while (true) {
            if (position >= object.getSize()) {
                return -1;
            }
            if (current == null) {
                openRangeAt(position);
            }
            final int n;
            try {
                n = current.read(buffer, offset, (int) Math.min(length, currentRangeEnd + 1 - position));
            } catch (final IOException e) {
                resumeAfter(e);
                continue;
            }
            if (n < 0) {
                if (position <= currentRangeEnd) {
                    resumeAfter(new IOException("range ended early at byte " + position));
                    continue;
                }
                closeCurrent();
                continue;
            }
            position += n;
            if (position > currentRangeEnd) {
                resumesInRange = 0;
                closeCurrent();
            }
            return n;
        }
    }

    private void resumeAfter(final IOException cause) throws IOException {
        closeCurrent();
        if (++resumesInRange > MAX_RESUMES_PER_RANGE) {
            throw new S3ReadException("reading " + object.describe() + " failed at byte " + position + " after "
                    + MAX_RESUMES_PER_RANGE + " resumes: " + cause.getMessage(), cause);
        }
        LOG.debug("Resuming {} at byte {} after: {}", object.describe(), position, cause.getMessage());
    }

    private void openRangeAt(final long start) {
        final long end = Math.min(start + rangeBytes, object.getSize()) - 1;
        final GetObjectRequest.Builder request = GetObjectRequest.builder()
                .bucket(object.getBucket())
                .key(object.getKey())
                .range("bytes=" + start + "-" + end);
        if (!object.getEtag().isEmpty()) {
            request.ifMatch("\"" + object.getEtag() + "\"");
        }
        expectedBucketOwner.ifPresent(request::expectedBucketOwner);
        current = s3Client.getObject(request.build());
        currentRangeEnd = end;
    }

    private void closeCurrent() {
        if (current != null) {
            if (position <= currentRangeEnd) {
                // abort() drops the connection instead of draining the rest of a range we will not read.
                current.abort();
            }
            try {
                current.close();
            } catch (final IOException ignored) {
                // the connection is already aborted
            }
            current = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        closeCurrent();
    }
}
