package dev.mlbatch.plugins.s3source;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * Lists one scan target with ListObjectsV2 (one listing per include prefix, paginated) and hands each page's
 * accepted objects to a consumer, so partitions are created while the listing goes on and memory does not
 * grow with the bucket. Nothing but the listing is requested: no HEAD per object.
 */
public class BucketLister {
    private static final Logger LOG = LoggerFactory.getLogger(BucketLister.class);

    private final S3Client s3Client;
    private final ScanTargets scanTargets;

    public BucketLister(final S3Client s3Client, final ScanTargets scanTargets) {
        this.s3Client = s3Client;
        this.scanTargets = scanTargets;
    }

    /**
     * Lists the target. An object is accepted when this target is the first entry covering its key (so each
     * object is judged by exactly one entry) and its lastModified is inside the target's window.
     *
     * @return the number of objects accepted
     * @throws SdkException when S3 refuses or fails the listing after the SDK's retries
     */
    public long list(final ScanTarget target, final boolean ignoreWindowEnd, final Consumer<List<S3ObjectReference>> pageConsumer) {
        long accepted = 0;
        final List<String> prefixes = target.getIncludePrefixes().isEmpty()
                ? Collections.singletonList(null) : target.getIncludePrefixes();
        for (final String prefix : prefixes) {
            String continuationToken = null;
            do {
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
                    accepted += page.size();
                }
                continuationToken = Boolean.TRUE.equals(response.isTruncated()) ? response.nextContinuationToken() : null;
            } while (continuationToken != null);
        }
        LOG.debug("Listed {}: {} objects accepted", target.describe(), accepted);
        return accepted;
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
