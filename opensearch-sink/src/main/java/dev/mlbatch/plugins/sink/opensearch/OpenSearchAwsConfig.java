package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.AssertTrue;
import org.opensearch.dataprepper.aws.api.AwsConfig;
import software.amazon.awssdk.regions.Region;

/**
 * The sink's {@code aws} block: upstream's shared keys ({@link AwsConfig}) plus {@code serverless}. Having the block
 * turns on SigV4 signing (service {@code es}, or {@code aoss} when serverless); without {@code region} it signs for
 * us-east-1, as upstream's sink does.
 */
public class OpenSearchAwsConfig extends AwsConfig {
    static final Region DEFAULT_REGION = Region.US_EAST_1;

    @JsonProperty("serverless")
    @JsonPropertyDescription("Sign for service aoss (OpenSearch Serverless) instead of es; index_type then defaults to management_disabled. Default false.")
    private boolean serverless = false;

    public boolean isServerless() {
        return serverless;
    }

    /** The signing region: {@code region}, else us-east-1. */
    public Region region() {
        return getAwsRegion() != null ? getAwsRegion() : DEFAULT_REGION;
    }

    /** The SigV4 signing name: {@code aoss} for OpenSearch Serverless collections, {@code es} for managed domains. */
    public String signingServiceName() {
        return serverless ? "aoss" : "es";
    }

    /** The shared block refuses only an empty region; a blank one is no region either (the SDK would throw). */
    @AssertTrue(message = "aws.region must not be blank")
    boolean isAwsRegionValid() {
        try {
            getAwsRegion();
            return true;
        } catch (final IllegalArgumentException e) {
            return false;
        }
    }
}
