package org.opensearch.dataprepper.aws.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Size;
import software.amazon.awssdk.regions.Region;

import java.util.Map;

/**
 * A plugin's {@code aws} block, shared by every plugin: region, the STS role to assume (with external id and header
 * overrides), or the name of an AWS configuration defined elsewhere. The limits are upstream's; the messages name the
 * YAML keys. Plugins with more AWS settings extend this class rather than repeating these keys.
 */
public class AwsConfig {
    @JsonProperty("region")
    @Size(min = 1, message = "aws.region cannot be an empty string")
    private String awsRegion;

    @JsonProperty("sts_role_arn")
    @Size(min = 20, max = 2048, message = "aws.sts_role_arn must be between 20 and 2048 characters")
    private String awsStsRoleArn;

    @JsonProperty("sts_header_overrides")
    @Size(max = 5, message = "aws.sts_header_overrides allows at most 5 headers")
    private Map<String, String> awsStsHeaderOverrides;

    @JsonProperty("configuration")
    private String configuration;

    @JsonProperty("sts_external_id")
    @Size(min = 2, max = 1224, message = "aws.sts_external_id must be between 2 and 1224 characters")
    private String awsStsExternalId;

    /** The region, or null when the block names none (the plugin or the SDK then decides). */
    public Region getAwsRegion() {
        return awsRegion != null ? Region.of(awsRegion) : null;
    }

    public String getAwsStsRoleArn() {
        return awsStsRoleArn;
    }

    public String getAwsStsExternalId() {
        return awsStsExternalId;
    }

    /** As written: null when the block has no {@code sts_header_overrides}. */
    public Map<String, String> getAwsStsHeaderOverrides() {
        return awsStsHeaderOverrides;
    }

    /**
     * A named configuration replaces the inline role: with {@code configuration} set, none of the STS keys may be.
     * A region may still be given (as upstream allows).
     */
    @AssertTrue(message = "aws.configuration cannot be combined with sts_role_arn, sts_header_overrides or sts_external_id:"
            + " either name a configuration or give the role inline")
    public boolean isValidConfiguration() {
        return configuration == null
                || (awsStsRoleArn == null && awsStsHeaderOverrides == null && awsStsExternalId == null);
    }

    public String getConfiguration() {
        return configuration;
    }
}
