package dev.mlbatch.plugins.s3source.config;

import dev.mlbatch.plugins.common.s3.CompressionOption;
import org.opensearch.dataprepper.aws.api.AwsConfig;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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
    @JsonPropertyDescription("AWS settings of the S3 client: region, the role to assume, or a named AWS configuration of the host. Required.")
    @NotNull(message = "aws is required (at least aws: {region: ...})")
    @Valid
    private AwsConfig aws;

    @JsonProperty("codec")
    @JsonPropertyDescription("Input codec that turns an object into records (ndjson, json, newline, csv). Required unless every bucket entry is metadata_only.")
    private PluginModel codec;

    @JsonProperty("compression")
    @JsonPropertyDescription("Compression of the objects: none, gzip, or automatic (gzip when the key ends in .gz). Default none.")
    @NotNull(message = "compression cannot be null")
    private CompressionOption compression = CompressionOption.NONE;

    @JsonProperty("workers")
    @JsonPropertyDescription("Number of scan worker threads, 1 to 1000. Default 1.")
    @Min(value = 1, message = "workers must be at least 1")
    @Max(value = 1000, message = "workers must be at most 1000")
    private int workers = 1;

    @JsonProperty("acknowledgments")
    @JsonPropertyDescription("End-to-end acknowledgements, one set per object. Default false.")
    private boolean acknowledgments = false;

    @JsonProperty("delete_s3_objects_on_read")
    @JsonPropertyDescription("Delete an object once all its records are positively acknowledged; needs acknowledgments: true. Default false.")
    private boolean deleteS3ObjectsOnRead = false;

    @JsonProperty("buffer_timeout")
    @JsonPropertyDescription("Timeout of one write to the buffer, as a duration. Default 10s.")
    @NotNull(message = "buffer_timeout cannot be null")
    private Duration bufferTimeout = Duration.ofSeconds(10);

    @JsonProperty("records_to_accumulate")
    @JsonPropertyDescription("Records per buffer write, at least 1. Default 100.")
    @Min(value = 1, message = "records_to_accumulate must be at least 1")
    private int recordsToAccumulate = 100;

    @JsonProperty("backoff_time")
    @JsonPropertyDescription("Longest idle sleep of a worker with nothing to do, as a duration. Default 30s.")
    @NotNull(message = "backoff_time cannot be null")
    private Duration backoffTime = Duration.ofSeconds(30);

    @JsonProperty("metadata_root_key")
    @JsonPropertyDescription("Event key under which data_and_metadata puts the bucket and key. Default s3/.")
    @NotNull(message = "metadata_root_key cannot be null")
    private String metadataRootKey = "s3/";

    @JsonProperty("disable_s3_metadata_in_event")
    @JsonPropertyDescription("With data_and_metadata, add no bucket or key to the events. Default false.")
    private boolean disableS3MetadataInEvent = false;

    @JsonProperty("data_selection")
    @JsonPropertyDescription("What an event holds, for bucket entries without their own: metadata_only, data_only or data_and_metadata. Default data_and_metadata.")
    @NotNull(message = "data_selection cannot be null")
    private DataSelection dataSelection = DataSelection.DATA_AND_METADATA;

    @JsonProperty("default_bucket_owner")
    @JsonPropertyDescription("12-digit AWS account id expected to own every bucket (sent as expectedBucketOwner). No default.")
    @Pattern(regexp = AWS_ACCOUNT_ID_PATTERN, message = "default_bucket_owner must be a 12-digit AWS account id")
    private String defaultBucketOwner;

    @JsonProperty("bucket_owners")
    @JsonPropertyDescription("Map of bucket name to the 12-digit account id expected to own it; overrides default_bucket_owner.")
    private Map<String, @Pattern(regexp = AWS_ACCOUNT_ID_PATTERN,
            message = "bucket_owners values must be 12-digit AWS account ids") String> bucketOwners;

    @JsonProperty("disable_bucket_ownership_validation")
    @JsonPropertyDescription("Send no expected bucket owner with the S3 requests. Default false.")
    private boolean disableBucketOwnershipValidation = false;

    @JsonProperty("scan")
    @JsonPropertyDescription("Scan mode: the buckets to list, the time window and the schedule. Required.")
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
