package dev.mlbatch.plugins.common.aws;

import org.opensearch.dataprepper.aws.api.AwsConfig;
import org.opensearch.dataprepper.aws.api.AwsCredentialsOptions;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds every plugin's S3 client from its {@code aws} block ({@link AwsConfig}) and the host's
 * {@link AwsCredentialsSupplier}: the region from {@code aws.region}, else the host's default; credentials for the
 * named {@code aws.configuration}, else for the block's STS role (or the default chain); the SDK's Apache HTTP client.
 * The endpoint comes from the SDK's own standard settings ({@code aws.endpointUrlS3} / {@code AWS_ENDPOINT_URL_S3},
 * or {@code aws.endpointUrl} / {@code AWS_ENDPOINT_URL}), which the SDK applies itself, or from an endpoint the plugin
 * passes; either way the client then uses path-style addressing, which S3-compatible servers (s3proxy, MinIO) need.
 */
public final class S3ClientFactory {
    private final Function<String, String> systemProperties;
    private final Map<String, String> environment;

    public S3ClientFactory(final Function<String, String> systemProperties, final Map<String, String> environment) {
        this.systemProperties = systemProperties;
        this.environment = environment;
    }

    /** Reads the endpoint settings of this JVM (system properties, then the environment). */
    public static S3ClientFactory fromProcess() {
        return new S3ClientFactory(System::getProperty, System.getenv());
    }

    /** The endpoint the SDK will send S3 calls to instead of AWS, through its standard settings, if any. */
    public Optional<String> endpointOverride() {
        for (final String property : new String[]{"aws.endpointUrlS3", "aws.endpointUrl"}) {
            final String value = systemProperties.apply(property);
            if (isSet(value)) {
                return Optional.of(value);
            }
        }
        for (final String variable : new String[]{"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
            final String value = environment.get(variable);
            if (isSet(value)) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    public boolean isEndpointOverridden() {
        return endpointOverride().isPresent();
    }

    /** {@code aws.region}, else the host's default region; empty when neither is known (the SDK's chain decides). */
    public static Optional<Region> region(final AwsConfig aws, final AwsCredentialsSupplier credentialsSupplier) {
        if (aws != null && aws.getAwsRegion() != null) {
            return Optional.of(aws.getAwsRegion());
        }
        return credentialsSupplier.getDefaultRegion();
    }

    /** What the host's supplier is asked for: the block's STS role (with external id and header overrides) in a region. */
    public static AwsCredentialsOptions credentialsOptions(final AwsConfig aws, final Region region) {
        final AwsCredentialsOptions.Builder builder = AwsCredentialsOptions.builder().withRegion(region);
        if (aws != null) {
            builder.withStsRoleArn(aws.getAwsStsRoleArn())
                    .withStsExternalId(aws.getAwsStsExternalId())
                    .withStsHeaderOverrides(aws.getAwsStsHeaderOverrides());
        }
        return builder.build();
    }

    /** The credentials for an aws block: its named configuration, else its inline role (or the default chain). */
    public static AwsCredentialsProvider credentials(final AwsConfig aws, final AwsCredentialsSupplier credentialsSupplier,
                                                     final Region region) {
        if (aws != null && aws.getConfiguration() != null) {
            return credentialsSupplier.getProvider(aws.getConfiguration());
        }
        return credentialsSupplier.getProvider(credentialsOptions(aws, region));
    }

    /** The client for a plugin's aws block (null: no block, so the host's defaults). */
    public S3Client create(final AwsConfig aws, final AwsCredentialsSupplier credentialsSupplier, final S3ClientOptions options) {
        final Region region = region(aws, credentialsSupplier).orElse(null);
        return create(region, credentials(aws, credentialsSupplier, region), options);
    }

    /** The client for credentials the plugin resolved itself (e.g. a DLQ's own role); null region: the SDK's chain. */
    public S3Client create(final Region region, final AwsCredentialsProvider credentials, final S3ClientOptions options) {
        final boolean elsewhere = options.endpoint() != null || isEndpointOverridden();
        final ApacheHttpClient.Builder http = ApacheHttpClient.builder();
        if (options.maxConnections() > 0) {
            http.maxConnections(options.maxConnections());
        }
        final S3ClientBuilder builder = S3Client.builder()
                .credentialsProvider(credentials)
                .httpClientBuilder(http)
                .forcePathStyle(options.forcePathStyle() || elsewhere)
                // Following a bucket into its region is an AWS behaviour; against another endpoint it only redirects oddly.
                .crossRegionAccessEnabled(options.followBucketRegion() && !elsewhere);
        if (options.maxAttempts() > 0) {
            builder.overrideConfiguration(override -> override.retryStrategy(
                    AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(options.maxAttempts()).build()));
        }
        if (options.endpoint() != null) {
            builder.endpointOverride(options.endpoint());
        }
        if (region != null) {
            builder.region(region);
        }
        return builder.build();
    }

    private static boolean isSet(final String value) {
        return value != null && !value.isBlank();
    }
}
