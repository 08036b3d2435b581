package dev.mlbatch.plugins.mlinference.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.mlbatch.plugins.common.aws.OpenSearchSigningAwsConfig;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Size;
import org.opensearch.dataprepper.aws.api.AwsCredentialsOptions;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The {@code aws} block: upstream's shared keys and {@code serverless} ({@link OpenSearchSigningAwsConfig}) plus {@code job_sts_role_arn}. */
public class MlInferenceAwsConfig extends OpenSearchSigningAwsConfig {
    private static final String ROLE_ARN = "^arn:aws(-[^:]+)?:iam::\\d{12}:role/.+$";

    /** The role Bedrock runs a built-in model's jobs with (sent as roleArn); upstream's name. */
    @JsonProperty("job_sts_role_arn")
    @JsonPropertyDescription("Built-in Bedrock models only (required there): the IAM role Bedrock runs the jobs with, sent as roleArn. 20 to 2048 characters.")
    @Size(min = 20, max = 2048, message = "aws.job_sts_role_arn must be 20 to 2048 characters")
    private String jobStsRoleArn;

    public String getJobStsRoleArn() {
        return jobStsRoleArn;
    }

    /** {@code region} as its id, or null when none (or a blank one, which validation refuses) is given. */
    public String regionId() {
        final Region region = regionOrNull();
        return region == null ? null : region.id();
    }

    @AssertTrue(message = "aws.sts_role_arn must look like arn:aws:iam::<account>:role/<name>")
    boolean isAwsStsRoleArnValid() {
        return getAwsStsRoleArn() == null || getAwsStsRoleArn().matches(ROLE_ARN);
    }

    @AssertTrue(message = "aws.job_sts_role_arn must look like arn:aws:iam::<account>:role/<name>")
    boolean isJobStsRoleArnValid() {
        return jobStsRoleArn == null || jobStsRoleArn.matches("^arn:aws(-[^:]+)?:iam::(\\d{12})?:role/.+$");
    }

    /** What the host's AwsCredentialsSupplier is asked for inline: the default chain, or the STS role when one is given. */
    public AwsCredentialsOptions toCredentialsOptions() {
        return AwsCredentialsOptions.builder()
                .withRegion(regionId())
                .withStsRoleArn(getAwsStsRoleArn())
                .withStsExternalId(getAwsStsExternalId())
                .withStsHeaderOverrides(getAwsStsHeaderOverrides())
                .withUseDefaultCredentialsProvider(getAwsStsRoleArn() == null)
                .build();
    }

    /** The processor's credentials: the named {@code configuration}, else the inline options above. */
    public AwsCredentialsProvider credentials(final AwsCredentialsSupplier supplier) {
        return getConfiguration() != null ? supplier.getProvider(getConfiguration()) : supplier.getProvider(toCredentialsOptions());
    }
}
