package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Size;

import java.util.Collections;
import java.util.Map;

/** The sink's {@code aws} block: having it turns on SigV4 signing (service {@code es}, or {@code aoss} when serverless). */
public class AwsAuthenticationConfig {
    @JsonProperty("region")
    private String region = "us-east-1";

    @JsonProperty("sts_role_arn")
    @Size(min = 20, max = 2048, message = "aws.sts_role_arn must be between 20 and 2048 characters")
    private String stsRoleArn;

    @JsonProperty("sts_external_id")
    @Size(min = 2, max = 1224, message = "aws.sts_external_id must be between 2 and 1224 characters")
    private String stsExternalId;

    @JsonProperty("sts_header_overrides")
    @Size(max = 5, message = "aws.sts_header_overrides supports at most 5 headers")
    private Map<String, String> stsHeaderOverrides = Collections.emptyMap();

    @JsonProperty("serverless")
    private boolean serverless = false;

    public String getRegion() {
        return region;
    }

    public String getStsRoleArn() {
        return stsRoleArn;
    }

    public String getStsExternalId() {
        return stsExternalId;
    }

    public Map<String, String> getStsHeaderOverrides() {
        return stsHeaderOverrides == null ? Collections.emptyMap() : stsHeaderOverrides;
    }

    public boolean isServerless() {
        return serverless;
    }

    /** The SigV4 signing name: {@code aoss} for OpenSearch Serverless collections, {@code es} for managed domains. */
    public String signingServiceName() {
        return serverless ? "aoss" : "es";
    }

    @AssertTrue(message = "aws.region must not be blank")
    boolean isRegionValid() {
        return region != null && !region.isBlank();
    }
}
