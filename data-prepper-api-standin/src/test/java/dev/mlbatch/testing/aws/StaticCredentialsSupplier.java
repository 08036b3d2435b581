package dev.mlbatch.testing.aws;

import org.opensearch.dataprepper.aws.api.AwsCredentialsOptions;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * For plugin tests: an {@link AwsCredentialsSupplier} with one fixed key pair (and, optionally, other pairs for
 * named roles) that remembers the options it was asked for. No default region or role. Shipped in the test-jar only;
 * it uses only upstream's {@code aws-plugin-api} types, so it also serves tests built with {@code -Dupstream-api}.
 */
public final class StaticCredentialsSupplier implements AwsCredentialsSupplier {
    private final List<AwsCredentialsOptions> requested = new ArrayList<>();
    private final AwsCredentialsProvider provider;
    private final Map<String, AwsCredentialsProvider> roles = new HashMap<>();

    public StaticCredentialsSupplier(final String accessKey, final String secretKey) {
        this.provider = StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    /** Options naming {@code roleArn} get this key pair instead (stands in for STS AssumeRole). */
    public StaticCredentialsSupplier withRole(final String roleArn, final String accessKey, final String secretKey) {
        roles.put(roleArn, StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
        return this;
    }

    /** The options of every {@link #getProvider(AwsCredentialsOptions)} call so far, oldest first. */
    public List<AwsCredentialsOptions> requested() {
        return requested;
    }

    @Override
    public AwsCredentialsProvider getProvider(final AwsCredentialsOptions options) {
        requested.add(options);
        final String role = options.getStsRoleArn();
        return role != null && roles.containsKey(role) ? roles.get(role) : provider;
    }

    @Override
    public AwsCredentialsProvider getProvider(final String configurationName) {
        return provider;
    }

    @Override
    public Optional<Region> getDefaultRegion() {
        return Optional.empty();
    }

    @Override
    public Optional<String> getDefaultStsRoleArn() {
        return Optional.empty();
    }
}
