package dev.mlbatch.plugins.mlinference.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Size;
import org.opensearch.dataprepper.aws.api.AwsCredentialsOptions;

import java.util.Collections;
import java.util.Map;

/** The {@code aws} block: upstream's keys plus {@code serverless}. */
public class AwsOptions {
    @JsonProperty("region")
    @Size(min = 1, message = "aws.region must not be empty")
    private String region;

    @JsonProperty("sts_role_arn")
    @Size(min = 20, max = 2048, message = "aws.sts_role_arn must be 20 to 2048 characters")
    private String stsRoleArn;

    @JsonProperty("sts_external_id")
    @Size(min = 2, max = 1224, message = "aws.sts_external_id must be 2 to 1224 characters")
    private String stsExternalId;

    @JsonProperty("sts_header_overrides")
    @Size(max = 5, message = "aws.sts_header_overrides takes at most 5 headers")
    private Map<String, String> stsHeaderOverrides;

    /** The role Bedrock runs a built-in model's jobs with (sent as roleArn); upstream's name. */
    @JsonProperty("job_sts_role_arn")
    @Size(min = 20, max = 2048, message = "aws.job_sts_role_arn must be 20 to 2048 characters")
    private String jobStsRoleArn;

    /** Amazon OpenSearch Serverless: sign for service {@code aoss} with the payload hash header. */
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
        return stsHeaderOverrides == null ? Collections.emptyMap() : Collections.unmodifiableMap(stsHeaderOverrides);
    }

    public String getJobStsRoleArn() {
        return jobStsRoleArn;
    }

    public boolean isServerless() {
        return serverless;
    }

    @AssertTrue(message = "aws.sts_role_arn must look like arn:aws:iam::<account>:role/<name>")
    boolean isStsRoleArnValid() {
        return stsRoleArn == null || stsRoleArn.matches("^arn:aws(-[^:]+)?:iam::\\d{12}:role/.+$");
    }

    @AssertTrue(message = "aws.job_sts_role_arn must look like arn:aws:iam::<account>:role/<name>")
    boolean isJobStsRoleArnValid() {
        return jobStsRoleArn == null || jobStsRoleArn.matches("^arn:aws(-[^:]+)?:iam::(\\d{12})?:role/.+$");
    }

    /** What the injected AwsCredentialsSupplier needs: default chain, or the STS role when one is given. */
    public AwsCredentialsOptions toCredentialsOptions() {
        return AwsCredentialsOptions.builder()
                .withRegion(region)
                .withStsRoleArn(stsRoleArn)
                .withStsExternalId(stsExternalId)
                .withStsHeaderOverrides(getStsHeaderOverrides())
                .withUseDefaultCredentialsProvider(stsRoleArn == null)
                .build();
    }
}
