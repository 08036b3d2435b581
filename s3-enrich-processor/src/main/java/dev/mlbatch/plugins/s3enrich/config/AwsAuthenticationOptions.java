package dev.mlbatch.plugins.s3enrich.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Size;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code aws} block: region and an optional STS role to assume (upstream's s3-common keys). */
public class AwsAuthenticationOptions {
    @JsonProperty("region")
    @Size(min = 1, message = "aws.region cannot be an empty string")
    private String region;

    @JsonProperty("sts_role_arn")
    @Size(min = 20, max = 2048, message = "aws.sts_role_arn must be between 20 and 2048 characters")
    private String stsRoleArn;

    @JsonProperty("sts_external_id")
    @Size(min = 2, max = 1224, message = "aws.sts_external_id must be between 2 and 1224 characters")
    private String stsExternalId;

    @JsonProperty("sts_header_overrides")
    @Size(max = 5, message = "aws.sts_header_overrides allows at most 5 headers")
    private Map<String, String> stsHeaderOverrides;

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
        return stsHeaderOverrides == null ? Collections.emptyMap()
                : Collections.unmodifiableMap(new LinkedHashMap<>(stsHeaderOverrides));
    }
}
