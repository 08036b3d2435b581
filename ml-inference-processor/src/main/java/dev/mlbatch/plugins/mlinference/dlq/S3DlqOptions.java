package dev.mlbatch.plugins.mlinference.dlq;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;

import java.util.Collections;
import java.util.Map;

/**
 * Upstream's {@code dlq: s3:} settings (failures-common S3 DLQ). Bound here because the DLQ is a plain
 * {@code PluginModel} in the processor config, as upstream declares it.
 */
public final class S3DlqOptions {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    @JsonProperty("bucket")
    @JsonPropertyDescription("The bucket the failed records are written to, as JSON objects (one per failure, with its reason). Required.")
    private String bucket;

    @JsonProperty("key_path_prefix")
    @JsonPropertyDescription("Prefix of the dead-letter objects' keys in the bucket. Default: none.")
    private String keyPathPrefix = "";

    @JsonProperty("region")
    @JsonPropertyDescription("Region of the dead-letter bucket. Default: the processor's aws.region.")
    private String region;

    @JsonProperty("sts_role_arn")
    @JsonPropertyDescription("Role assumed to write the dead-letter objects (20 to 2048 characters). Default: the processor's credentials.")
    private String stsRoleArn;

    @JsonProperty("sts_external_id")
    @JsonPropertyDescription("External id sent when assuming sts_role_arn. Default: none.")
    private String stsExternalId;

    @JsonProperty("sts_header_overrides")
    @JsonPropertyDescription("Extra headers sent with the assume-role request. Default: none.")
    private Map<String, String> stsHeaderOverrides;

    @JsonProperty("bucket_owner")
    @JsonPropertyDescription("Account expected to own the dead-letter bucket (sent as the expected bucket owner). Default: none.")
    private String bucketOwner;

    @JsonProperty("force_path_style")
    @JsonPropertyDescription("Address the bucket path-style (endpoint/bucket/key) instead of virtual-hosted style. Default: false.")
    private boolean forcePathStyle = false;

    /** Accepted for upstream compatibility; the SDK's own checksums are used. */
    @JsonProperty("legacy_md5_checksum")
    @JsonPropertyDescription("Accepted as upstream has it; the SDK's own checksums are used either way. Default: false.")
    private boolean legacyMd5Checksum = false;

    /** Ours: an S3-compatible endpoint (the local stack). Path-style is then used. */
    @JsonProperty("endpoint")
    @JsonPropertyDescription("An S3-compatible endpoint URL for the dead-letter objects (e.g. the local stack's S3); path-style addressing is then used. Default: the region's S3.")
    private String endpoint;

    /** Binds and validates {@code dlq.s3} settings; errors name the key. */
    public static S3DlqOptions fromSettings(final Map<String, Object> settings) {
        final S3DlqOptions options;
        try {
            options = MAPPER.convertValue(settings == null ? Collections.emptyMap() : settings, S3DlqOptions.class);
        } catch (final IllegalArgumentException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof UnrecognizedPropertyException) {
                throw new InvalidPluginConfigurationException("dlq.s3: unknown option '"
                        + ((UnrecognizedPropertyException) cause).getPropertyName() + "'");
            }
            throw new InvalidPluginConfigurationException("dlq.s3: " + e.getMessage(), e);
        }
        if (options.bucket == null || !options.bucket.matches("^[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]$")) {
            throw new InvalidPluginConfigurationException("dlq.s3.bucket is required and must be a valid S3 bucket name; got '"
                    + options.bucket + "'");
        }
        if (options.stsRoleArn != null && (options.stsRoleArn.length() < 20 || options.stsRoleArn.length() > 2048)) {
            throw new InvalidPluginConfigurationException("dlq.s3.sts_role_arn must be 20 to 2048 characters");
        }
        if (options.keyPathPrefix == null) {
            options.keyPathPrefix = "";
        }
        return options;
    }

    public String getBucket() {
        return bucket;
    }

    public String getKeyPathPrefix() {
        return keyPathPrefix;
    }

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

    public String getBucketOwner() {
        return bucketOwner;
    }

    public boolean isForcePathStyle() {
        return forcePathStyle;
    }

    public String getEndpoint() {
        return endpoint;
    }
}
