package dev.mlbatch.plugins.sink.s3;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.opensearch.dataprepper.aws.api.AwsConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.opensearch.dataprepper.model.configuration.PluginModel;

/** Configuration of the {@code s3} sink, with upstream Data Prepper's key names and defaults. */
public class S3SinkConfig {
    @JsonProperty("bucket")
    @JsonPropertyDescription("Bucket the objects are written to. Required.")
    @NotBlank(message = "bucket is required")
    private String bucket;

    @JsonProperty("object_key")
    @JsonPropertyDescription("How object keys are made: path_prefix and name_from_source.")
    @Valid
    private ObjectKeyOptions objectKey = new ObjectKeyOptions();

    @JsonProperty("codec")
    @JsonPropertyDescription("Output codec: ndjson (one JSON object per line) or json. Required.")
    @NotNull(message = "codec is required: ndjson or json")
    private PluginModel codec;

    @JsonProperty("compression")
    @JsonPropertyDescription("none or gzip (adds .gz to the key). Default none.")
    private CompressionOption compression = CompressionOption.NONE;

    @JsonProperty("threshold")
    @JsonPropertyDescription("When an object is written: event_count, maximum_size, event_collect_timeout. Required.")
    @NotNull(message = "threshold is required (event_count, event_collect_timeout, optional maximum_size)")
    @Valid
    private ThresholdOptions threshold;

    @JsonProperty("aws")
    @JsonPropertyDescription("AWS settings of the S3 client: region, the role to assume, or a named AWS configuration of the host. Required.")
    @NotNull(message = "aws is required (region, optional sts_role_arn)")
    @Valid
    private AwsConfig aws;

    @JsonProperty("max_retries")
    @JsonPropertyDescription("Retries of a retryable failure (throttling, 5xx, connection) per object. Default 5.")
    @Min(value = 0, message = "max_retries must be 0 or more")
    private int maxRetries = 5;

    @JsonProperty("buffer_type")
    @JsonPropertyDescription("Where an object is collected before upload; only in_memory. Default in_memory.")
    private BufferType bufferType = BufferType.IN_MEMORY;

    public String getBucket() {
        return bucket;
    }

    public ObjectKeyOptions getObjectKey() {
        return objectKey == null ? new ObjectKeyOptions() : objectKey;
    }

    public PluginModel getCodec() {
        return codec;
    }

    public CompressionOption getCompression() {
        return compression;
    }

    public ThresholdOptions getThreshold() {
        return threshold;
    }

    public AwsConfig getAws() {
        return aws;
    }

    public int getMaxRetries() {
        return maxRetries;
    }

    public BufferType getBufferType() {
        return bufferType;
    }
}
