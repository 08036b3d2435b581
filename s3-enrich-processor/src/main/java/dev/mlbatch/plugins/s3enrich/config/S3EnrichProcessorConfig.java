package dev.mlbatch.plugins.s3enrich.config;

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
import org.opensearch.dataprepper.model.types.ByteCount;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * Settings of the {@code s3_enrich} processor, bound once at start-up and read-only afterwards. Key names and
 * defaults are upstream's (Data Prepper 2.15+ {@code s3-enrich-processor}); {@code source_correlation_key} is ours.
 */
public class S3EnrichProcessorConfig {
    static final String DEFAULT_SIZE_LIMIT = "100mb";
    static final long MAX_SIZE_LIMIT_BYTES = 300L * 1024 * 1024;
    static final int DEFAULT_CACHE_MAX_COUNT = 100_000;
    static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(10);
    private static final String AWS_ACCOUNT_ID = "^\\d{12}$";

    @JsonProperty("bucket")
    @JsonPropertyDescription("Where the source objects are: bucket name and key prefix. Required.")
    @NotNull(message = "bucket is required: the bucket (and bucket.filter.include_prefix) holding the source objects")
    @Valid
    private S3EnrichBucketOption bucket;

    @JsonProperty("aws")
    @JsonPropertyDescription("AWS settings of the S3 client: region, the role to assume, or a named AWS configuration of the host. Required.")
    @NotNull(message = "aws is required (at least aws: {region: ...})")
    @Valid
    private AwsConfig aws;

    @JsonProperty("disable_bucket_ownership_validation")
    @JsonPropertyDescription("Send no expected bucket owner with the S3 requests. Default false.")
    private boolean disableBucketOwnershipValidation = false;

    @JsonProperty("bucket_owners")
    @JsonPropertyDescription("Map of bucket name to the 12-digit account id expected to own it; overrides default_bucket_owner.")
    private Map<String, @Pattern(regexp = AWS_ACCOUNT_ID,
            message = "bucket_owners values must be 12-digit AWS account ids") String> bucketOwners;

    @JsonProperty("default_bucket_owner")
    @JsonPropertyDescription("12-digit AWS account id expected to own the bucket (sent as expectedBucketOwner). No default.")
    @Pattern(regexp = AWS_ACCOUNT_ID, message = "default_bucket_owner must be a 12-digit AWS account id")
    private String defaultBucketOwner;

    @JsonProperty("codec")
    @JsonPropertyDescription("Input codec that reads the source objects, e.g. ndjson. Required.")
    @NotNull(message = "codec is required: the input codec that reads the source objects, e.g. codec: {ndjson: {}}")
    private PluginModel codec;

    @JsonProperty("compression")
    @JsonPropertyDescription("Compression of the source objects: none, gzip, or automatic (gzip when the key ends in .gz). Default none.")
    private CompressionOption compression = CompressionOption.NONE;

    @JsonProperty("s3_object_size_limit")
    @JsonPropertyDescription("Source objects larger than this byte count are not read; at most 300mb. Default 100mb.")
    private ByteCount s3ObjectSizeLimit = ByteCount.parse(DEFAULT_SIZE_LIMIT);

    @JsonProperty("cache_max_count")
    @JsonPropertyDescription("Source records cached over all objects (whole objects, least recently used evicted first), 0 to 1000000. Default 100000.")
    @Min(value = 0, message = "cache_max_count must be between 0 and 1000000")
    @Max(value = 1_000_000, message = "cache_max_count must be between 0 and 1000000")
    private int cacheMaxCount = DEFAULT_CACHE_MAX_COUNT;

    @JsonProperty("cache_ttl")
    @JsonPropertyDescription("How long a cached source object is used before it is read again, as a duration. Default PT10M.")
    private Duration cacheTtl = DEFAULT_CACHE_TTL;

    @JsonProperty("s3_key_path")
    @JsonPropertyDescription("Event key holding the output object's key. Default: the s3_key event metadata of our s3 source.")
    private String s3KeyPath;

    @JsonProperty("s3_object_name_pattern")
    @JsonPropertyDescription("Regular expression over the output object's file name; group 1 is the source object's name without extension. Default: the name without .out.")
    private String s3ObjectNamePattern;

    @JsonProperty("correlation_keys")
    @JsonPropertyDescription("Exactly one event key whose value names the source record. Required.")
    private List<String> correlationKeys;

    @JsonProperty("source_correlation_key")
    @JsonPropertyDescription("Key of that value in the source records. Default: the correlation key itself.")
    private String sourceCorrelationKey;

    @JsonProperty("keys_to_merge")
    @JsonPropertyDescription("Keys copied from the source record into the event, at the same key. Required (at least one) unless merge_all_keys.")
    private List<String> keysToMerge;

    /** Ours: merge every field of the source record but its correlation key, instead of listing keys_to_merge. */
    @JsonProperty("merge_all_keys")
    @JsonPropertyDescription("Copy every top-level field of the source record except source_correlation_key; not with keys_to_merge. Default false.")
    private boolean mergeAllKeys;

    @JsonProperty("enrich_when")
    @JsonPropertyDescription("Condition on the event; only events for which it is true are enriched. No default (every event).")
    private String enrichWhen;

    @JsonProperty("tags_on_failure")
    @JsonPropertyDescription("Tags added to events that could not be enriched. Default none.")
    private List<String> tagsOnFailure = Collections.emptyList();

    public String getBucketName() {
        return bucket.getName();
    }

    /** {@code bucket.filter.include_prefix}, or null. */
    public String getIncludePrefix() {
        return bucket.getIncludePrefix();
    }

    public AwsConfig getAws() {
        return aws;
    }

    public boolean isDisableBucketOwnershipValidation() {
        return disableBucketOwnershipValidation;
    }

    public Map<String, String> getBucketOwners() {
        return bucketOwners == null ? Collections.emptyMap() : Collections.unmodifiableMap(bucketOwners);
    }

    public String getDefaultBucketOwner() {
        return defaultBucketOwner;
    }

    public PluginModel getCodec() {
        return codec;
    }

    /**
     * The extension put after the name the pattern captures: the codec's {@code extension} setting (upstream's
     * ndjson codec has it since 2.15), else {@code jsonl}.
     */
    public String getCodecExtension() {
        final Map<String, Object> settings = codec == null ? null : codec.getPluginSettings();
        final Object extension = settings == null ? null : settings.get("extension");
        return extension instanceof String && !((String) extension).isBlank() ? (String) extension : "jsonl";
    }

    public CompressionOption getCompression() {
        return compression;
    }

    public long getS3ObjectSizeLimitBytes() {
        return s3ObjectSizeLimit.getBytes();
    }

    public int getCacheMaxCount() {
        return cacheMaxCount;
    }

    public Duration getCacheTtl() {
        return cacheTtl;
    }

    /** Event key holding the output object's S3 key; null: the {@code s3_key} metadata attribute of our s3 source. */
    public String getS3KeyPath() {
        return s3KeyPath;
    }

    /** Null when unset: the source object is named like the output object without its {@code .out}. */
    public java.util.regex.Pattern getS3ObjectNamePattern() {
        return s3ObjectNamePattern == null ? null : java.util.regex.Pattern.compile(s3ObjectNamePattern);
    }

    /** The key in the output event whose value names the source record. */
    public String getCorrelationKey() {
        return correlationKeys.get(0);
    }

    /** The key in each source record holding that value: {@code source_correlation_key}, else the same key. */
    public String getSourceCorrelationKey() {
        return sourceCorrelationKey != null ? sourceCorrelationKey : getCorrelationKey();
    }

    /** The listed keys; empty with {@code merge_all_keys}. */
    public List<String> getKeysToMerge() {
        return keysToMerge == null ? List.of() : List.copyOf(keysToMerge);
    }

    public boolean isMergeAllKeys() {
        return mergeAllKeys;
    }

    public String getEnrichWhen() {
        return enrichWhen;
    }

    public List<String> getTagsOnFailure() {
        return tagsOnFailure == null ? List.of() : List.copyOf(tagsOnFailure);
    }

    @AssertTrue(message = "s3_object_size_limit must be between 1 byte and 300mb")
    boolean isS3ObjectSizeLimitValid() {
        return s3ObjectSizeLimit != null && s3ObjectSizeLimit.getBytes() >= 1 && s3ObjectSizeLimit.getBytes() <= MAX_SIZE_LIMIT_BYTES;
    }

    @AssertTrue(message = "cache_ttl must be between 1 minute and 120 minutes (e.g. PT10M or 600s)")
    boolean isCacheTtlValid() {
        return cacheTtl != null && cacheTtl.compareTo(Duration.ofMinutes(1)) >= 0 && cacheTtl.compareTo(Duration.ofMinutes(120)) <= 0;
    }

    @AssertTrue(message = "s3_key_path must not be blank (leave it out to use the s3_key metadata of the s3 source)")
    boolean isS3KeyPathValid() {
        return s3KeyPath == null || !s3KeyPath.isBlank();
    }

    @AssertTrue(message = "s3_object_name_pattern must be a valid regular expression with at least one capture group "
            + "(group 1 is the source object's name without its extension)")
    boolean isS3ObjectNamePatternValid() {
        if (s3ObjectNamePattern == null) {
            return true;
        }
        try {
            return java.util.regex.Pattern.compile(s3ObjectNamePattern).matcher("").groupCount() >= 1;
        } catch (final PatternSyntaxException e) {
            return false;
        }
    }

    @AssertTrue(message = "correlation_keys is required and takes exactly one non-blank key, e.g. [recordId]")
    boolean isCorrelationKeysValid() {
        return correlationKeys != null && correlationKeys.size() == 1 && correlationKeys.get(0) != null
                && !correlationKeys.get(0).isBlank();
    }

    @AssertTrue(message = "source_correlation_key must not be blank")
    boolean isSourceCorrelationKeyValid() {
        return sourceCorrelationKey == null || !sourceCorrelationKey.isBlank();
    }

    @AssertTrue(message = "keys_to_merge is required: at least one key of the source record to copy into the event "
            + "(or merge_all_keys: true to copy every field but the source correlation key)")
    boolean isKeysToMergeValid() {
        return mergeAllKeys || keysToMerge != null && !keysToMerge.isEmpty() && keysToMerge.stream().allMatch(k -> k != null && !k.isBlank());
    }

    @AssertTrue(message = "keys_to_merge and merge_all_keys: true exclude each other: list the keys, or merge every field")
    boolean isMergeAllKeysValid() {
        return !(mergeAllKeys && keysToMerge != null);
    }

    @AssertTrue(message = "tags_on_failure must not contain blank tags")
    boolean isTagsOnFailureValid() {
        return tagsOnFailure == null || tagsOnFailure.stream().allMatch(t -> t != null && !t.isBlank());
    }
}
