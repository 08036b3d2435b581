package dev.mlbatch.plugins.s3enrich;

import dev.mlbatch.plugins.s3enrich.config.AwsAuthenticationOptions;
import dev.mlbatch.plugins.s3enrich.config.S3EnrichProcessorConfig;
import org.opensearch.dataprepper.aws.api.AwsCredentialsOptions;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import software.amazon.awssdk.arns.Arn;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.util.Optional;

/**
 * The S3 client that reads source objects, and the account expected to own a bucket. Credentials come from the
 * host's {@link AwsCredentialsSupplier} (default chain or the assumed {@code aws.sts_role_arn}); the endpoint from
 * the SDK's own standard settings ({@code AWS_ENDPOINT_URL_S3} / {@code aws.endpointUrlS3}, or
 * {@code AWS_ENDPOINT_URL} / {@code aws.endpointUrl}), with path-style addressing when one is set, as S3-compatible
 * servers need.
 */
final class SourceS3Client {
    private SourceS3Client() {
    }

    static S3Client create(final AwsAuthenticationOptions aws, final AwsCredentialsSupplier credentialsSupplier) {
        final Region region = aws.getRegion() != null ? Region.of(aws.getRegion())
                : credentialsSupplier.getDefaultRegion().orElse(null);
        final AwsCredentialsOptions credentials = AwsCredentialsOptions.builder()
                .withRegion(region)
                .withStsRoleArn(aws.getStsRoleArn())
                .withStsExternalId(aws.getStsExternalId())
                .withStsHeaderOverrides(aws.getStsHeaderOverrides())
                .build();
        final boolean endpointOverridden = isSet(System.getProperty("aws.endpointUrlS3")) || isSet(System.getenv("AWS_ENDPOINT_URL_S3"))
                || isSet(System.getProperty("aws.endpointUrl")) || isSet(System.getenv("AWS_ENDPOINT_URL"));
        final S3ClientBuilder builder = S3Client.builder()
                .credentialsProvider(credentialsSupplier.getProvider(credentials))
                .httpClient(ApacheHttpClient.create())
                .forcePathStyle(endpointOverridden)
                // Follows a bucket into its region on AWS; meaningless elsewhere.
                .crossRegionAccessEnabled(!endpointOverridden);
        if (region != null) {
            builder.region(region);
        }
        return builder.build();
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
        final String roleArn = config.getAws().getStsRoleArn();
        if (roleArn == null) {
            return Optional.empty();
        }
        try {
            return Arn.fromString(roleArn).accountId();
        } catch (final IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean isSet(final String value) {
        return value != null && !value.isBlank();
    }
}
