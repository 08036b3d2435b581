package dev.mlbatch.plugins.common.aws;

import org.opensearch.dataprepper.aws.api.AwsConfig;
import software.amazon.awssdk.arns.Arn;

import java.util.Map;
import java.util.Optional;

/**
 * The account expected to own each bucket, sent as {@code expectedBucketOwner} on every S3 request so that
 * a bucket that changed hands is never read from (or deleted in). Order as upstream: bucket_owners entry,
 * default_bucket_owner, the account of aws.sts_role_arn. The s3 source and s3_enrich read these keys alike.
 */
public class BucketOwnerResolver {
    private final boolean disabled;
    private final Map<String, String> bucketOwners;
    private final Optional<String> defaultOwner;

    public BucketOwnerResolver(final boolean disableBucketOwnershipValidation, final Map<String, String> bucketOwners,
                               final String defaultBucketOwner, final AwsConfig aws) {
        this.disabled = disableBucketOwnershipValidation;
        this.bucketOwners = bucketOwners == null ? Map.of() : bucketOwners;
        this.defaultOwner = Optional.ofNullable(defaultBucketOwner)
                .or(() -> accountOf(aws == null ? null : aws.getAwsStsRoleArn()));
    }

    private static Optional<String> accountOf(final String roleArn) {
        if (roleArn == null) {
            return Optional.empty();
        }
        try {
            return Arn.fromString(roleArn).accountId();
        } catch (final IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public Optional<String> expectedOwner(final String bucket) {
        if (disabled) {
            return Optional.empty();
        }
        final String owner = bucketOwners.get(bucket);
        return owner != null ? Optional.of(owner) : defaultOwner;
    }

    /** True when no owner is known for some bucket and validation is on: the source warns once at start. */
    public boolean hasNoOwnerFor(final String bucket) {
        return !disabled && expectedOwner(bucket).isEmpty();
    }
}
