package dev.mlbatch.plugins.common.aws;

import java.net.URI;

/**
 * How one plugin wants its S3 client beyond the aws block: connection pool size and attempts (0 = the SDK's default),
 * whether to follow a bucket into its region (only on AWS: never with an endpoint override), and an endpoint the
 * plugin names itself (e.g. ml_inference's {@code s3_endpoint}), which wins over the SDK's standard settings.
 */
public record S3ClientOptions(int maxConnections, int maxAttempts, boolean followBucketRegion, URI endpoint,
                              boolean forcePathStyle) {
    public S3ClientOptions {
        if (maxConnections < 0 || maxAttempts < 0) {
            throw new IllegalArgumentException("maxConnections and maxAttempts must not be negative (0 = the SDK's default)");
        }
    }

    /** The SDK's defaults, on AWS or the endpoint of the SDK's standard settings. */
    public static S3ClientOptions defaults() {
        return new S3ClientOptions(0, 0, false, null, false);
    }

    public S3ClientOptions withMaxConnections(final int value) {
        return new S3ClientOptions(value, maxAttempts, followBucketRegion, endpoint, forcePathStyle);
    }

    public S3ClientOptions withMaxAttempts(final int value) {
        return new S3ClientOptions(maxConnections, value, followBucketRegion, endpoint, forcePathStyle);
    }

    public S3ClientOptions withFollowBucketRegion(final boolean value) {
        return new S3ClientOptions(maxConnections, maxAttempts, value, endpoint, forcePathStyle);
    }

    public S3ClientOptions withEndpoint(final URI value) {
        return new S3ClientOptions(maxConnections, maxAttempts, followBucketRegion, value, forcePathStyle);
    }

    public S3ClientOptions withForcePathStyle(final boolean value) {
        return new S3ClientOptions(maxConnections, maxAttempts, followBucketRegion, endpoint, value);
    }
}
