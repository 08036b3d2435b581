package dev.mlbatch.plugins.sink.s3;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Tells whether the AWS SDK will send S3 calls to an overridden endpoint through its standard settings
 * ({@code aws.endpointUrlS3} / {@code AWS_ENDPOINT_URL_S3}, or the global {@code aws.endpointUrl} /
 * {@code AWS_ENDPOINT_URL}). The SDK applies the endpoint itself; we only need to know, because S3-compatible
 * stores (s3proxy, MinIO) want path-style addressing where AWS uses virtual-host style.
 */
public final class EndpointOverride {
    private final Function<String, String> systemProperties;
    private final Map<String, String> environment;

    public EndpointOverride(final Function<String, String> systemProperties, final Map<String, String> environment) {
        this.systemProperties = systemProperties;
        this.environment = environment;
    }

    public static EndpointOverride fromProcess() {
        return new EndpointOverride(System::getProperty, System.getenv());
    }

    public Optional<String> endpoint() {
        for (final String property : new String[]{"aws.endpointUrlS3", "aws.endpointUrl"}) {
            final String value = systemProperties.apply(property);
            if (value != null && !value.isBlank()) {
                return Optional.of(value);
            }
        }
        for (final String variable : new String[]{"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
            final String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
