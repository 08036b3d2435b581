package dev.mlbatch.plugins.sink.s3;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.opensearch.dataprepper.aws.api.AwsConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.opensearch.dataprepper.model.configuration.PluginModel;

/** Configuration of the {@code s3} sink, with upstream Data Prepper's key names and defaults. */
public class S3SinkConfig {
    @JsonProperty("bucket")
    @NotBlank(message = "bucket is required")
    private String bucket;

    @JsonProperty("object_key")
    @Valid
    private ObjectKeyOptions objectKey = new ObjectKeyOptions();

    @JsonProperty("codec")
    @NotNull(message = "codec is required: ndjson or json")
    private PluginModel codec;

    @JsonProperty("compression")
    private CompressionOption compression = CompressionOption.NONE;

    @JsonProperty("threshold")
    @NotNull(message = "threshold is required (event_count, event_collect_timeout, optional maximum_size)")
    @Valid
    private ThresholdOptions threshold;

    @JsonProperty("aws")
    @NotNull(message = "aws is required (region, optional sts_role_arn)")
    @Valid
    private AwsConfig aws;

    @JsonProperty("max_retries")
    @Min(value = 0, message = "max_retries must be 0 or more")
    private int maxRetries = 5;

    @JsonProperty("buffer_type")
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
