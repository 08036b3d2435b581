package dev.mlbatch.plugins.sink.s3;

import org.opensearch.dataprepper.aws.api.AwsCredentialsOptions;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An AwsCredentialsSupplier with fixed keys that remembers the options it was asked for. */
final class StaticCredentialsSupplier implements AwsCredentialsSupplier {
    final List<AwsCredentialsOptions> requested = new ArrayList<>();
    private final AwsCredentialsProvider provider;

    StaticCredentialsSupplier(final String accessKey, final String secretKey) {
        this.provider = StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    @Override
    public AwsCredentialsProvider getProvider(final AwsCredentialsOptions options) {
        requested.add(options);
        return provider;
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
