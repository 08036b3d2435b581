package dev.mlbatch.stack.s3;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps s3proxy's half-written files out of listings.
 *
 * <p>s3proxy 4.1's filesystem store writes every object (PUT, the concatenation of a completed multipart upload,
 * a server-side copy) to {@code <key>-<random UUID>} in the key's own folder and renames it to {@code <key>} when
 * complete. Until the rename, a listing walks that folder and reports the temporary file as an object. (Multipart
 * parts are not the problem: they live under {@code .mpus-...}, which the store already hides.) This store sees
 * every write, so it knows the keys being written; a listed key {@code <k>-<UUID>} is hidden when a write of
 * {@code <k>} was running at any moment during that listing (a write that ended meanwhile had its temporary file
 * renamed or deleted, but the folder walk may have seen it). Objects appear only when complete, by the store's
 * atomic rename.
 *
 * <p>Limitation: a genuine key that is exactly another key being written at that moment plus {@code -<UUID>} is
 * left out of listings until that write ends.
 */
public final class CompleteObjectsOnly extends ForwardingBlobStore {

    /** What s3proxy appends to a key for its temporary file: "-" and a {@code UUID.randomUUID()}. */
    private static final Pattern TEMPORARY = Pattern.compile(
            "(.+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final long FORGET_AFTER_NANOS = 10L * 60 * 1_000_000_000;

    /** Writes per bucket and key: how many run, and when the last one ended. */
    private final Map<String, Writes> writes = new ConcurrentHashMap<>();
    private final AtomicLong writesEnded = new AtomicLong();

    public CompleteObjectsOnly(BlobStore delegate) {
        super(delegate);
    }

    /** Changed only inside the map's per-key compute, so that forgetting an entry cannot race a new write. */
    private static final class Writes {
        volatile int running;
        volatile long lastEnded = Long.MIN_VALUE;
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
        return writing(request.bucket(), request.key(), () -> super.putBlob(request, input));
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload, CompleteMultipartUploadRequest request) {
        return writing(upload.containerName(), upload.blobName(), () -> super.completeMultipartUpload(upload, request));
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        return writing(request.destinationBucket(), request.destinationKey(), () -> super.copyBlob(request));
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        long started = System.nanoTime();
        ListObjectsV2Response page = super.list(request);
        List<S3Object> complete = page.contents().stream()
                .filter(o -> !temporary(request.bucket(), o.key(), started)).toList();
        if (complete.size() == page.contents().size()) {
            return page;
        }
        ListObjectsV2Response.Builder filtered = page.toBuilder().contents(complete);
        if (page.keyCount() != null) {
            filtered.keyCount(complete.size() + page.commonPrefixes().size());
        }
        return filtered.build();
    }

    @Override
    public ListObjectVersionsResponse listVersions(ListObjectVersionsRequest request) {
        long started = System.nanoTime();
        ListObjectVersionsResponse page = super.listVersions(request);
        List<ObjectVersion> complete = page.versions().stream()
                .filter(v -> !temporary(request.bucket(), v.key(), started)).toList();
        return complete.size() == page.versions().size() ? page : page.toBuilder().versions(complete).build();
    }

    /** True if {@code key} is the temporary file of a write that ran at some moment since {@code listStarted}. */
    boolean temporary(String bucket, String key, long listStarted) {
        Matcher m = TEMPORARY.matcher(key);
        if (!m.matches()) {
            return false;
        }
        Writes w = writes.get(id(bucket, m.group(1)));
        // lastEnded is written before running drops, so running == 0 is read together with the latest end.
        return w != null && (w.running > 0 || w.lastEnded - listStarted >= 0);
    }

    private <T> T writing(String bucket, String key, Supplier<T> write) {
        String id = id(bucket, key);
        writes.compute(id, (k, w) -> {
            Writes started = w == null ? new Writes() : w;
            started.running++;
            return started;
        });
        try {
            return write.get();
        } finally {
            long now = System.nanoTime();
            writes.computeIfPresent(id, (k, w) -> {
                w.lastEnded = now;
                w.running--;
                return w;
            });
            forgetOldWrites(now);
        }
    }

    /** Every 1024 writes: a listing lasts far less than ten minutes; older finished writes cannot matter any more. */
    private void forgetOldWrites(long now) {
        if (writesEnded.incrementAndGet() % 1024 != 0) {
            return;
        }
        for (String id : writes.keySet()) {
            writes.computeIfPresent(id, (k, w) -> w.running == 0 && now - w.lastEnded > FORGET_AFTER_NANOS ? null : w);
        }
    }

    private static String id(String bucket, String key) {
        return bucket + '\n' + key;
    }
}
