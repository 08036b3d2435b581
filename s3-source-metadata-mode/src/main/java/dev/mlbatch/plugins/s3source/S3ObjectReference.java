package dev.mlbatch.plugins.s3source;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * One version of one S3 object as the listing saw it, and its partition key.
 *
 * <p>The partition key is {@code <bucket>|<key>|<etag>|<size>|<lastModifiedEpochMillis>}: upstream's
 * {@code bucket|key} followed by the object's version. The coordinator never re-creates a key that it
 * already holds (whatever its status), so an unchanged object is emitted once across re-scans and restarts,
 * while a changed object (new ETag, size or last-modified) gets a new key and is read again. Carrying the
 * listing data in the key also lets metadata_only events be built without any request per object, even
 * for partitions created before a restart.
 */
public final class S3ObjectReference {
    static final char SEPARATOR = '|';

    private final String bucket;
    private final String key;
    private final String etag;
    private final long size;
    private final Instant lastModified;

    public S3ObjectReference(final String bucket, final String key, final String etag, final long size,
                             final Instant lastModified) {
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.key = Objects.requireNonNull(key, "key");
        this.etag = etag == null ? "" : stripQuotes(etag);
        this.size = size;
        this.lastModified = Objects.requireNonNull(lastModified, "lastModified");
    }

    private static String stripQuotes(final String etag) {
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }

    public String getBucket() {
        return bucket;
    }

    public String getKey() {
        return key;
    }

    /** The ETag without surrounding quotes; empty when the store gave none. */
    public String getEtag() {
        return etag;
    }

    public long getSize() {
        return size;
    }

    public Instant getLastModified() {
        return lastModified;
    }

    public String toPartitionKey() {
        // Bucket names cannot contain '|'; the object key may, so it sits between the fields parsed from
        // the left (bucket) and from the right (version fields, which are encoded so they contain no '|').
        return bucket + SEPARATOR + key + SEPARATOR + URLEncoder.encode(etag, StandardCharsets.UTF_8)
                + SEPARATOR + size + SEPARATOR + lastModified.toEpochMilli();
    }

    /**
     * Parses a key made by {@link #toPartitionKey()}.
     *
     * @throws IllegalArgumentException when the key was not made by this source (e.g. upstream's bare {@code bucket|key})
     */
    public static S3ObjectReference fromPartitionKey(final String partitionKey) {
        final int bucketEnd = partitionKey.indexOf(SEPARATOR);
        final int millisStart = partitionKey.lastIndexOf(SEPARATOR);
        final int sizeStart = millisStart > 0 ? partitionKey.lastIndexOf(SEPARATOR, millisStart - 1) : -1;
        final int etagStart = sizeStart > 0 ? partitionKey.lastIndexOf(SEPARATOR, sizeStart - 1) : -1;
        if (bucketEnd <= 0 || etagStart <= bucketEnd) {
            throw new IllegalArgumentException("partition key '" + partitionKey
                    + "' is not of the form bucket|key|etag|size|lastModifiedMillis");
        }
        try {
            return new S3ObjectReference(
                    partitionKey.substring(0, bucketEnd),
                    partitionKey.substring(bucketEnd + 1, etagStart),
                    URLDecoder.decode(partitionKey.substring(etagStart + 1, sizeStart), StandardCharsets.UTF_8),
                    Long.parseLong(partitionKey.substring(sizeStart + 1, millisStart)),
                    Instant.ofEpochMilli(Long.parseLong(partitionKey.substring(millisStart + 1))));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("partition key '" + partitionKey
                    + "' has a size or lastModified field that is not a number", e);
        }
    }

    /** For log lines: {@code s3://bucket/key}. */
    public String describe() {
        return "s3://" + bucket + "/" + key;
    }

    @Override
    public boolean equals(final Object o) {
        if (!(o instanceof S3ObjectReference)) {
            return false;
        }
        final S3ObjectReference other = (S3ObjectReference) o;
        return size == other.size && bucket.equals(other.bucket) && key.equals(other.key)
                && etag.equals(other.etag) && lastModified.equals(other.lastModified);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bucket, key, etag, size, lastModified);
    }

    @Override
    public String toString() {
        return describe() + " (etag " + etag + ", " + size + " bytes, modified " + lastModified + ")";
    }
}
