package dev.mlbatch.plugins.s3enrich;

import dev.mlbatch.plugins.common.aws.S3ClientFactory;
import dev.mlbatch.plugins.common.aws.S3ClientOptions;
import org.opensearch.dataprepper.aws.api.AwsConfig;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 client that reads source objects (the expected bucket owner is plugins-common's BucketOwnerResolver). Credentials come from the
 * host's {@link AwsCredentialsSupplier} (default chain or the assumed {@code aws.sts_role_arn}); the endpoint from
 * the SDK's own standard settings ({@code AWS_ENDPOINT_URL_S3} / {@code aws.endpointUrlS3}, or
 * {@code AWS_ENDPOINT_URL} / {@code aws.endpointUrl}), with path-style addressing when one is set, as S3-compatible
 * servers need (all in plugins-common's {@link S3ClientFactory}).
 */
final class SourceS3Client {
    private SourceS3Client() {
    }

    /** The SDK's HTTP and retry defaults; on AWS a bucket is followed into its region. */
    static S3Client create(final AwsConfig aws, final AwsCredentialsSupplier credentialsSupplier) {
        return S3ClientFactory.fromProcess().create(aws, credentialsSupplier, S3ClientOptions.defaults().withFollowBucketRegion(true));
    }
}
