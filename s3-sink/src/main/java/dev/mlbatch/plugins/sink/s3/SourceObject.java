package dev.mlbatch.plugins.sink.s3;

import org.opensearch.dataprepper.model.event.Event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The S3 object version an event was read from, as the {@code s3} source (module s3-source-metadata-mode) records it
 * in event metadata: {@value #BUCKET}, {@value #KEY}, {@value #ETAG} and the record's 0-based {@value #ORDINAL}.
 * {@code object_key.name_from_source} names objects after it, so the same source bytes always give the same keys.
 */
final class SourceObject {
    static final String BUCKET = "s3_bucket";
    static final String KEY = "s3_key";
    static final String ETAG = "s3_etag";
    static final String ORDINAL = "s3_record_ordinal";
    private static final int HASH_HEX_CHARS = 12;

    private final String bucket;
    private final String key;
    private final String etag;

    private SourceObject(final String bucket, final String key, final String etag) {
        this.bucket = bucket;
        this.key = key;
        this.etag = etag;
    }

    /** The event's source object, or null when its metadata does not name one (then the sink's usual names apply). */
    static SourceObject of(final Event event) {
        final Object bucket = event.getMetadata().getAttribute(BUCKET);
        final Object key = event.getMetadata().getAttribute(KEY);
        final Object etag = event.getMetadata().getAttribute(ETAG);
        if (!(bucket instanceof String) || !(key instanceof String) || !(etag instanceof String)
                || !(event.getMetadata().getAttribute(ORDINAL) instanceof Number)) {
            return null;
        }
        return new SourceObject((String) bucket, (String) key, (String) etag);
    }

    /** The record's ordinal in its source object; only for events {@link #of} accepted. */
    static long ordinal(final Event event) {
        return ((Number) event.getMetadata().getAttribute(ORDINAL)).longValue();
    }

    /**
     * {@code <basename of the source key without extension>-<first 12 hex of sha256(bucket, key, etag)>}: readable,
     * and distinct for distinct source versions (a changed object has a new ETag, hence new names).
     */
    String namePrefix() {
        return baseName(key) + "-" + hash();
    }

    static String baseName(final String sourceKey) {
        String name = sourceKey.substring(sourceKey.lastIndexOf('/') + 1);
        for (final String compression : new String[]{".gz", ".gzip", ".zst", ".zstd", ".snappy"}) {
            if (name.endsWith(compression)) {
                name = name.substring(0, name.length() - compression.length());
                break;
            }
        }
        final int dot = name.lastIndexOf('.');
        if (dot > 0) {
            name = name.substring(0, dot);
        }
        name = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() || name.startsWith(".") ? "object" + name : name;
    }

    private String hash() {
        try {
            final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            // Length-prefixed fields, so that no two different (bucket, key, etag) give the same digest input.
            for (final String field : new String[]{bucket, key, etag}) {
                final byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
                sha256.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                sha256.update(bytes);
            }
            return HexFormat.of().formatHex(sha256.digest()).substring(0, HASH_HEX_CHARS);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    String describe() {
        return "s3://" + bucket + "/" + key + " (ETag " + etag + ")";
    }

    @Override
    public boolean equals(final Object o) {
        if (!(o instanceof SourceObject)) {
            return false;
        }
        final SourceObject other = (SourceObject) o;
        return bucket.equals(other.bucket) && key.equals(other.key) && etag.equals(other.etag);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bucket, key, etag);
    }
}
