package dev.mlbatch.plugins.s3source;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Lists a scan target with ListObjectsV2, a page at a time (one listing per include prefix), and hands each page's
 * accepted objects to a consumer, so partitions are created while the listing goes on and memory does not
 * grow with the bucket. Nothing but the listing is requested: no HEAD per object.
 */
public class BucketLister {
    private final S3Client s3Client;
    private final ScanTargets scanTargets;

    public BucketLister(final S3Client s3Client, final ScanTargets scanTargets) {
        this.s3Client = s3Client;
        this.scanTargets = scanTargets;
    }

    /** One ListObjectsV2 page's outcome: objects accepted, and the continuation token (null when the prefix is done). */
    public record Page(int accepted, String nextToken) {
    }

    /**
     * Lists one page of the target under {@code prefix} (null: the whole bucket) from {@code continuationToken}
     * (null: the start), handing its accepted objects to the consumer. An object is accepted when this target is the
     * first entry covering its key (so each object is judged by exactly one entry) and its lastModified is inside
     * the target's window.
     *
     * @throws SdkException when S3 refuses or fails the listing after the SDK's retries
     */
    public Page listPage(final ScanTarget target, final String prefix, final String continuationToken,
                         final boolean ignoreWindowEnd, final Consumer<List<S3ObjectReference>> pageConsumer) {
        final ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
                .bucket(target.getBucket())
                .prefix(prefix)
                .continuationToken(continuationToken);
        target.getExpectedBucketOwner().ifPresent(request::expectedBucketOwner);
        final ListObjectsV2Response response = s3Client.listObjectsV2(request.build());
        final List<S3ObjectReference> page = new ArrayList<>(response.contents().size());
        for (final S3Object object : response.contents()) {
            if (isAccepted(target, object, ignoreWindowEnd)) {
                page.add(new S3ObjectReference(target.getBucket(), object.key(), object.eTag(),
                        object.size() == null ? 0L : object.size(), object.lastModified()));
            }
        }
        if (!page.isEmpty()) {
            pageConsumer.accept(page);
        }
        return new Page(page.size(), Boolean.TRUE.equals(response.isTruncated()) ? response.nextContinuationToken() : null);
    }

    /** The prefixes one target is listed under: its include prefixes, or the whole bucket (null). */
    public static List<String> prefixesOf(final ScanTarget target) {
        return target.getIncludePrefixes().isEmpty() ? Collections.singletonList(null) : target.getIncludePrefixes();
    }

    private boolean isAccepted(final ScanTarget target, final S3Object object, final boolean ignoreWindowEnd) {
        if (object.lastModified() == null || !target.coversKey(object.key())) {
            return false;
        }
        final boolean judgedByThisTarget = scanTargets.resolve(target.getBucket(), object.key())
                .map(owner -> owner == target).orElse(false);
        return judgedByThisTarget && target.isInWindow(object.lastModified(), ignoreWindowEnd);
    }
}
