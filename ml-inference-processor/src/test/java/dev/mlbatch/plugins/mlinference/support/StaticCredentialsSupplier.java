package dev.mlbatch.plugins.mlinference.support;

import org.opensearch.dataprepper.aws.api.AwsCredentialsOptions;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Test supplier: one fixed key pair; remembers the options it was asked for. */
public final class StaticCredentialsSupplier implements AwsCredentialsSupplier {
    public final List<AwsCredentialsOptions> requested = new ArrayList<>();
    private final AwsCredentialsProvider provider;
    private final java.util.Map<String, AwsCredentialsProvider> roles = new java.util.HashMap<>();

    public StaticCredentialsSupplier(final String accessKey, final String secretKey) {
        provider = StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    /** Options naming {@code roleArn} get this key pair instead (stands in for STS AssumeRole). */
    public StaticCredentialsSupplier withRole(final String roleArn, final String accessKey, final String secretKey) {
        roles.put(roleArn, StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
        return this;
    }

    @Override
    public AwsCredentialsProvider getProvider(final AwsCredentialsOptions options) {
        requested.add(options);
        return options.getStsRoleArn() != null && roles.containsKey(options.getStsRoleArn()) ? roles.get(options.getStsRoleArn()) : provider;
    }

    @Override
    public AwsCredentialsProvider getProvider(final String configurationName) {
        return provider;
    }

    @Override
    public Optional<Region> getDefaultRegion() {
        return Optional.of(Region.US_EAST_1);
    }

    @Override
    public Optional<String> getDefaultStsRoleArn() {
        return Optional.empty();
    }
}
