package dev.mlbatch.plugins.sink.opensearch;

import dev.mlbatch.plugins.common.aws.OpenSearchSigningAwsConfig;
import software.amazon.awssdk.regions.Region;

/**
 * The sink's {@code aws} block (upstream's shared keys and {@code serverless}, see {@link OpenSearchSigningAwsConfig}).
 * Having the block turns on SigV4 signing (service {@code es}, or {@code aoss} when serverless; {@code index_type}
 * then defaults to {@code management_disabled}); without {@code region} it signs for us-east-1, as upstream's sink does.
 */
public class OpenSearchAwsConfig extends OpenSearchSigningAwsConfig {
    static final Region DEFAULT_REGION = Region.US_EAST_1;

    /** The signing region: {@code region}, else us-east-1. */
    public Region region() {
        return getAwsRegion() != null ? getAwsRegion() : DEFAULT_REGION;
    }
}
