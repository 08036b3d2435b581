package dev.mlbatch.plugins.sink.s3;

import org.opensearch.dataprepper.aws.api.AwsCredentialsOptions;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.util.Optional;

/**
 * Builds the S3 client: credentials from the runtime's {@link AwsCredentialsSupplier} (an STS role when
 * {@code sts_role_arn} is set), the region from {@code aws.region} or the runtime's default, and path-style
 * addressing when the SDK's standard endpoint settings point S3 elsewhere (the SDK itself applies the endpoint).
 */
public final class S3ClientFactory {
    private S3ClientFactory() {
    }

    public static S3Client create(final AwsAuthenticationOptions aws, final AwsCredentialsSupplier credentialsSupplier,
                                  final EndpointOverride endpointOverride) {
        if (credentialsSupplier == null) {
            throw new IllegalStateException("the s3 sink needs the runtime's AwsCredentialsSupplier, which was not provided");
        }
        final Optional<Region> region = aws.getRegion() != null ? Optional.of(Region.of(aws.getRegion()))
                : credentialsSupplier.getDefaultRegion();
        final AwsCredentialsProvider credentials = credentialsSupplier.getProvider(AwsCredentialsOptions.builder()
                .withRegion(region.orElse(null))
                .withStsRoleArn(aws.getStsRoleArn())
                .withStsExternalId(aws.getStsExternalId())
                .withStsHeaderOverrides(aws.getStsHeaderOverrides())
                .build());
        final S3ClientBuilder builder = S3Client.builder()
                .httpClient(ApacheHttpClient.create())
                .credentialsProvider(credentials)
                .forcePathStyle(endpointOverride.endpoint().isPresent());
        region.ifPresent(builder::region);
        return builder.build();
    }
}
