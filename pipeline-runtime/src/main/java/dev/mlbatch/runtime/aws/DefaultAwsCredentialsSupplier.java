package dev.mlbatch.runtime.aws;

import org.opensearch.dataprepper.aws.api.AwsCredentialsOptions;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Credentials as upstream's aws-plugin gives them: a base provider (the SDK's default chain, or the local stack's keys
 * from the env file), or an STS AssumeRole provider on top of it (with external id and header overrides) that
 * refreshes itself. Providers are cached per distinct options.
 */
public final class DefaultAwsCredentialsSupplier implements AwsCredentialsSupplier {
    private final AwsCredentialsProvider baseProvider;
    private final Region defaultRegion;
    private final String defaultStsRoleArn;
    private final Map<String, AwsConfiguration> namedConfigurations;
    private final Map<OptionsKey, AwsCredentialsProvider> providers = new ConcurrentHashMap<>();

    /** A named {@code extension.aws.configurations} entry. */
    public record AwsConfiguration(String region, String stsRoleArn, String stsExternalId) {
    }

    private record OptionsKey(String stsRoleArn, String externalId, Region region, Map<String, String> headerOverrides) {
    }

    public DefaultAwsCredentialsSupplier(final AwsCredentialsProvider baseProvider, final Region defaultRegion,
                                         final String defaultStsRoleArn, final Map<String, AwsConfiguration> namedConfigurations) {
        this.baseProvider = Objects.requireNonNull(baseProvider, "baseProvider");
        this.defaultRegion = defaultRegion;
        this.defaultStsRoleArn = defaultStsRoleArn;
        this.namedConfigurations = Map.copyOf(namedConfigurations);
    }

    @Override
    public AwsCredentialsProvider getProvider(final AwsCredentialsOptions options) {
        final String roleArn = options.getStsRoleArn() != null ? options.getStsRoleArn()
                : (options.isUseDefaultCredentialsProvider() ? null : defaultStsRoleArn);
        final Region region = options.getRegion() != null ? options.getRegion() : defaultRegion;
        final OptionsKey key = new OptionsKey(roleArn, options.getStsExternalId(), region, options.getStsHeaderOverrides());
        return providers.computeIfAbsent(key, this::createProvider);
    }

    private AwsCredentialsProvider createProvider(final OptionsKey key) {
        if (key.stsRoleArn() == null) {
            return baseProvider;
        }
        final StsClient sts = StsClient.builder()
                .region(Objects.requireNonNullElse(key.region(), Region.US_EAST_1))
                .credentialsProvider(baseProvider)
                .build();
        final AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                .roleArn(key.stsRoleArn())
                .roleSessionName("mlbatch-" + UUID.randomUUID())
                .externalId(key.externalId());
        if (key.headerOverrides() != null && !key.headerOverrides().isEmpty()) {
            request.overrideConfiguration(c -> key.headerOverrides().forEach(c::putHeader));
        }
        return StsAssumeRoleCredentialsProvider.builder().stsClient(sts).refreshRequest(request.build()).build();
    }

    @Override
    public AwsCredentialsProvider getProvider(final String configurationName) {
        final AwsConfiguration configuration = namedConfigurations.get(configurationName);
        if (configuration == null) {
            throw new IllegalArgumentException("No AWS configuration named '" + configurationName
                    + "' (define it under extension.aws.configurations; known: " + namedConfigurations.keySet() + ")");
        }
        return getProvider(AwsCredentialsOptions.builder()
                .withRegion(configuration.region())
                .withStsRoleArn(configuration.stsRoleArn())
                .withStsExternalId(configuration.stsExternalId())
                .build());
    }

    @Override
    public Optional<Region> getDefaultRegion() {
        return Optional.ofNullable(defaultRegion);
    }

    @Override
    public Optional<String> getDefaultStsRoleArn() {
        return Optional.ofNullable(defaultStsRoleArn);
    }
}
