package dev.mlbatch.plugins.common.aws;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.AssertTrue;
import org.opensearch.dataprepper.aws.api.AwsConfig;
import software.amazon.awssdk.regions.Region;

/**
 * The {@code aws} block of a plugin that signs its calls to OpenSearch: upstream's shared keys ({@link AwsConfig})
 * plus {@code serverless}, and a refusal of a blank region (upstream's block refuses only an empty one; the SDK
 * would throw later, far from the configuration).
 */
public class OpenSearchSigningAwsConfig extends AwsConfig {

    @JsonProperty("serverless")
    @JsonPropertyDescription("Sign for service aoss (OpenSearch Serverless) instead of es. Default false.")
    private boolean serverless = false;

    public boolean isServerless() {
        return serverless;
    }

    /** The SigV4 signing name: {@code aoss} for OpenSearch Serverless collections, {@code es} for managed domains. */
    public String signingServiceName() {
        return serverless ? "aoss" : "es";
    }

    /** {@code region}, or null when none (or a blank one, which validation refuses) is given. */
    public Region regionOrNull() {
        try {
            return getAwsRegion();
        } catch (final IllegalArgumentException blank) {
            return null;
        }
    }

    @AssertTrue(message = "aws.region must not be blank")
    public boolean isAwsRegionValid() {
        try {
            getAwsRegion();
            return true;
        } catch (final IllegalArgumentException e) {
            return false;
        }
    }
}
