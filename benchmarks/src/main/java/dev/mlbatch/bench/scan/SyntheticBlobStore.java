package dev.mlbatch.bench.scan;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectStorageClass;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.util.List;

/**
 * s3proxy's blob store with one {@link SyntheticBucket} in it: ListObjectsV2, HeadObject and GetObject of that bucket
 * are answered from the rule (a GET returns the whole object: ranges are not needed by a {@code metadata_only} scan,
 * which reads nothing). The bucket itself exists in the delegate, so s3proxy's bucket checks pass; every other
 * bucket and request goes to the delegate.
 */
final class SyntheticBlobStore extends ForwardingBlobStore {
    private final SyntheticBucket bucket;

    SyntheticBlobStore(final BlobStore delegate, final SyntheticBucket bucket) {
        super(delegate);
        this.bucket = bucket;
        if (!delegate.containerExists(bucket.name())) {
            delegate.createContainer(bucket.name());
        }
    }

    @Override
    public ListObjectsV2Response list(final ListObjectsV2Request request) {
        if (!bucket.name().equals(request.bucket())) {
            return super.list(request);
        }
        if (request.delimiter() != null && !request.delimiter().isEmpty()) {
            throw new UnsupportedOperationException("the synthetic bucket " + bucket.name() + " is listed without a delimiter");
        }
        final String after = request.continuationToken() != null ? request.continuationToken() : request.startAfter();
        final SyntheticBucket.Page page = bucket.page(request.prefix(), after,
                request.maxKeys() == null ? SyntheticBucket.DEFAULT_PAGE : request.maxKeys());
        final List<S3Object> contents = page.indexes().stream().map(SyntheticBlobStore::listed).toList();
        return ListObjectsV2Response.builder()
                .name(bucket.name())
                .prefix(request.prefix())
                .maxKeys(request.maxKeys())
                .keyCount(contents.size())
                .contents(contents)
                .isTruncated(page.truncated())
                .nextContinuationToken(page.truncated() ? page.lastKey() : null)
                .build();
    }

    private static S3Object listed(final int index) {
        return S3Object.builder()
                .key(SyntheticBucket.key(index))
                .eTag(SyntheticBucket.etag(index))
                .size((long) SyntheticBucket.content(index).length)
                .lastModified(SyntheticBucket.LAST_MODIFIED)
                .storageClass(ObjectStorageClass.STANDARD)
                .build();
    }

    @Override
    public HeadObjectResponse blobMetadata(final HeadObjectRequest request) {
        if (!bucket.name().equals(request.bucket())) {
            return super.blobMetadata(request);
        }
        final int index = existing(request.key());
        return HeadObjectResponse.builder()
                .contentLength((long) SyntheticBucket.content(index).length)
                .eTag(SyntheticBucket.etag(index))
                .lastModified(SyntheticBucket.LAST_MODIFIED)
                .contentType("application/x-ndjson")
                .build();
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(final GetObjectRequest request) {
        if (!bucket.name().equals(request.bucket())) {
            return super.getBlob(request);
        }
        final int index = existing(request.key());
        final byte[] content = SyntheticBucket.content(index);
        final GetObjectResponse response = GetObjectResponse.builder()
                .contentLength((long) content.length)
                .eTag(SyntheticBucket.etag(index))
                .lastModified(SyntheticBucket.LAST_MODIFIED)
                .contentType("application/x-ndjson")
                .build();
        return new ResponseInputStream<>(response, AbortableInputStream.create(new ByteArrayInputStream(content)));
    }

    private int existing(final String key) {
        final int index = bucket.indexOf(key);
        if (index < 0) {
            throw NoSuchKeyException.builder().message("no object " + key + " in the synthetic bucket " + bucket.name())
                    .statusCode(404).build();
        }
        return index;
    }
}
