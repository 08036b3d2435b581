package dev.mlbatch.plugins.s3enrich;

import dev.mlbatch.plugins.common.aws.S3ClientFactory;
import dev.mlbatch.plugins.common.aws.S3ClientOptions;
import dev.mlbatch.plugins.s3enrich.config.S3EnrichProcessorConfig;
import org.opensearch.dataprepper.aws.api.AwsConfig;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import software.amazon.awssdk.arns.Arn;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.Optional;

/**
 * The S3 client that reads source objects, and the account expected to own a bucket. Credentials come from the
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

    /**
     * The expected owner of a bucket, sent with every GetObject, in upstream's order: {@code bucket_owners},
     * {@code default_bucket_owner}, the account of {@code aws.sts_role_arn}; none with
     * {@code disable_bucket_ownership_validation}.
     */
    static Optional<String> expectedOwner(final S3EnrichProcessorConfig config, final String bucket) {
        if (config.isDisableBucketOwnershipValidation()) {
            return Optional.empty();
        }
        final String owner = config.getBucketOwners().get(bucket);
        if (owner != null) {
            return Optional.of(owner);
        }
        if (config.getDefaultBucketOwner() != null) {
            return Optional.of(config.getDefaultBucketOwner());
        }
        final String roleArn = config.getAws().getAwsStsRoleArn();
        if (roleArn == null) {
            return Optional.empty();
        }
        try {
            return Arn.fromString(roleArn).accountId();
        } catch (final IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
