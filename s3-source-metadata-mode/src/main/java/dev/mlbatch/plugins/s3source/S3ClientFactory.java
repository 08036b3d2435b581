package dev.mlbatch.plugins.s3source;

import dev.mlbatch.plugins.s3source.config.AwsAuthenticationOptions;
import org.opensearch.dataprepper.aws.api.AwsCredentialsOptions;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.util.Map;
import java.util.function.Function;

/**
 * Builds the S3 client. Credentials come from the runtime's {@link AwsCredentialsSupplier} (default chain or an
 * assumed STS role); the endpoint comes from the SDK's own standard settings ({@code AWS_ENDPOINT_URL_S3} /
 * {@code aws.endpointUrlS3}, or the service-independent {@code AWS_ENDPOINT_URL} / {@code aws.endpointUrl}),
 * which the SDK reads itself; when one is set the client uses path-style addressing, which S3-compatible servers need.
 */
public class S3ClientFactory {
    /** Upstream uses 5 SDK retries: 6 attempts in all, with the SDK's standard backoff and throttling handling. */
    static final int MAX_ATTEMPTS = 6;

    private final Function<String, String> systemProperties;
    private final Map<String, String> environment;

    public S3ClientFactory() {
        this(System::getProperty, System.getenv());
    }

    S3ClientFactory(final Function<String, String> systemProperties, final Map<String, String> environment) {
        this.systemProperties = systemProperties;
        this.environment = environment;
    }

    public S3Client create(final AwsAuthenticationOptions aws, final AwsCredentialsSupplier credentialsSupplier, final int workers) {
        final Region region = aws.getRegion() != null ? Region.of(aws.getRegion()) : credentialsSupplier.getDefaultRegion().orElse(null);
        final AwsCredentialsOptions credentialsOptions = AwsCredentialsOptions.builder()
                .withRegion(region)
                .withStsRoleArn(aws.getStsRoleArn())
                .withStsExternalId(aws.getStsExternalId())
                .withStsHeaderOverrides(aws.getStsHeaderOverrides())
                .build();
        final boolean endpointOverridden = isEndpointOverridden();
        final S3ClientBuilder builder = S3Client.builder()
                .credentialsProvider(credentialsSupplier.getProvider(credentialsOptions))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(Math.max(50, workers * 2)))
                .overrideConfiguration(override -> override.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build()))
                .forcePathStyle(endpointOverridden)
                // Follows a bucket into its region on AWS; meaningless (and a source of odd redirects) elsewhere.
                .crossRegionAccessEnabled(!endpointOverridden);
        if (region != null) {
            builder.region(region);
        }
        return builder.build();
    }

    /** Whether the SDK will send S3 requests somewhere other than AWS, through its standard settings. */
    public boolean isEndpointOverridden() {
        return isSet(systemProperties.apply("aws.endpointUrlS3")) || isSet(environment.get("AWS_ENDPOINT_URL_S3"))
                || isSet(systemProperties.apply("aws.endpointUrl")) || isSet(environment.get("AWS_ENDPOINT_URL"));
    }

    private static boolean isSet(final String value) {
        return value != null && !value.isBlank();
    }
}
