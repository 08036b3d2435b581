package dev.mlbatch.bench.scan;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

import java.util.concurrent.atomic.AtomicLong;

/** Counts the object requests a scan makes: listing pages, HEADs and GETs (what a scan's cost at S3 is made of). */
final class RequestCounter extends ForwardingBlobStore {
    private final AtomicLong lists = new AtomicLong();
    private final AtomicLong heads = new AtomicLong();
    private final AtomicLong gets = new AtomicLong();

    RequestCounter(final BlobStore delegate) {
        super(delegate);
    }

    @Override
    public ListObjectsV2Response list(final ListObjectsV2Request request) {
        lists.incrementAndGet();
        return super.list(request);
    }

    @Override
    public HeadObjectResponse blobMetadata(final HeadObjectRequest request) {
        heads.incrementAndGet();
        return super.blobMetadata(request);
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(final GetObjectRequest request) {
        gets.incrementAndGet();
        return super.getBlob(request);
    }

    String report() {
        return lists.get() + " " + heads.get() + " " + gets.get();
    }

    void reset() {
        lists.set(0);
        heads.set(0);
        gets.set(0);
    }
}
