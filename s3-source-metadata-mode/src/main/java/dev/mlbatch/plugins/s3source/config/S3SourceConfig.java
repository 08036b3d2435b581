package dev.mlbatch.plugins.s3source.config;

import dev.mlbatch.plugins.common.s3.CompressionOption;
import org.opensearch.dataprepper.aws.api.AwsConfig;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.opensearch.dataprepper.model.configuration.PluginModel;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;

/** Configuration of the {@code s3} source (scan mode). Keys and defaults follow upstream's S3SourceConfig. */
public class S3SourceConfig {
    static final String AWS_ACCOUNT_ID_PATTERN = "^\\d{12}$";

    @JsonProperty("aws")
    @NotNull(message = "aws is required (at least aws: {region: ...})")
    @Valid
    private AwsConfig aws;

    @JsonProperty("codec")
    private PluginModel codec;

    @JsonProperty("compression")
    @NotNull(message = "compression cannot be null")
    private CompressionOption compression = CompressionOption.NONE;

    @JsonProperty("workers")
    @Min(value = 1, message = "workers must be at least 1")
    @Max(value = 1000, message = "workers must be at most 1000")
    private int workers = 1;

    @JsonProperty("acknowledgments")
    private boolean acknowledgments = false;

    @JsonProperty("delete_s3_objects_on_read")
    private boolean deleteS3ObjectsOnRead = false;

    @JsonProperty("buffer_timeout")
    @NotNull(message = "buffer_timeout cannot be null")
    private Duration bufferTimeout = Duration.ofSeconds(10);

    @JsonProperty("records_to_accumulate")
    @Min(value = 1, message = "records_to_accumulate must be at least 1")
    private int recordsToAccumulate = 100;

    @JsonProperty("backoff_time")
    @NotNull(message = "backoff_time cannot be null")
    private Duration backoffTime = Duration.ofSeconds(30);

    @JsonProperty("metadata_root_key")
    @NotNull(message = "metadata_root_key cannot be null")
    private String metadataRootKey = "s3/";

    @JsonProperty("disable_s3_metadata_in_event")
    private boolean disableS3MetadataInEvent = false;

    @JsonProperty("data_selection")
    @NotNull(message = "data_selection cannot be null")
    private DataSelection dataSelection = DataSelection.DATA_AND_METADATA;

    @JsonProperty("default_bucket_owner")
    @Pattern(regexp = AWS_ACCOUNT_ID_PATTERN, message = "default_bucket_owner must be a 12-digit AWS account id")
    private String defaultBucketOwner;

    @JsonProperty("bucket_owners")
    private Map<String, @Pattern(regexp = AWS_ACCOUNT_ID_PATTERN,
            message = "bucket_owners values must be 12-digit AWS account ids") String> bucketOwners;

    @JsonProperty("disable_bucket_ownership_validation")
    private boolean disableBucketOwnershipValidation = false;

    @JsonProperty("scan")
    @NotNull(message = "scan is required: this s3 source implements scan mode (sqs and s3_select are not supported)")
    @Valid
    private ScanOptions scan;

    public AwsConfig getAws() {
        return aws;
    }

    /** Null when no codec was configured (allowed when every bucket is metadata_only). */
    public PluginModel getCodec() {
        return codec;
    }

    public CompressionOption getCompression() {
        return compression;
    }

    public int getWorkers() {
        return workers;
    }

    public boolean isAcknowledgments() {
        return acknowledgments;
    }

    public boolean isDeleteS3ObjectsOnRead() {
        return deleteS3ObjectsOnRead;
    }

    public Duration getBufferTimeout() {
        return bufferTimeout;
    }

    public int getRecordsToAccumulate() {
        return recordsToAccumulate;
    }

    public Duration getBackoffTime() {
        return backoffTime;
    }

    public String getMetadataRootKey() {
        return metadataRootKey;
    }

    public boolean isDisableS3MetadataInEvent() {
        return disableS3MetadataInEvent;
    }

    public DataSelection getDataSelection() {
        return dataSelection;
    }

    public String getDefaultBucketOwner() {
        return defaultBucketOwner;
    }

    public Map<String, String> getBucketOwners() {
        return bucketOwners == null ? Collections.emptyMap() : Collections.unmodifiableMap(bucketOwners);
    }

    public boolean isDisableBucketOwnershipValidation() {
        return disableBucketOwnershipValidation;
    }

    public ScanOptions getScan() {
        return scan;
    }

    /** The data_selection a bucket entry uses: its own, else the top-level one. */
    public DataSelection effectiveDataSelection(final ScanBucketOptions bucketOptions) {
        return bucketOptions.getDataSelection() != null ? bucketOptions.getDataSelection() : dataSelection;
    }

    @AssertTrue(message = "delete_s3_objects_on_read: true requires acknowledgments: true " +
            "(objects are deleted only after downstream acknowledged them)")
    boolean isDeleteOnlyWithAcknowledgments() {
        return !deleteS3ObjectsOnRead || acknowledgments;
    }

    @AssertTrue(message = "codec is required when a scan.buckets entry reads object content " +
            "(data_selection data_only or data_and_metadata)")
    boolean isCodecProvidedWhenNeeded() {
        if (codec != null || scan == null) {
            return true;
        }
        return scan.getBuckets().stream()
                .filter(entry -> entry.getBucket() != null)
                .noneMatch(entry -> effectiveDataSelection(entry.getBucket()).readsObjectContent());
    }
}
