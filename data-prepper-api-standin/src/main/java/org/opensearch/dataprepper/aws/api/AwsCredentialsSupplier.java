package org.opensearch.dataprepper.aws.api;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.util.Optional;

/** Supplies AWS credentials providers (default chain or an assumed STS role) to plugins. */
public interface AwsCredentialsSupplier {
    AwsCredentialsProvider getProvider(AwsCredentialsOptions options);

    AwsCredentialsProvider getProvider(String configurationName);

    Optional<Region> getDefaultRegion();

    Optional<String> getDefaultStsRoleArn();
}
