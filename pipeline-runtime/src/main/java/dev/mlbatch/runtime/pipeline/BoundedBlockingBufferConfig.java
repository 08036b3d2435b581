package dev.mlbatch.runtime.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;

/** Options of the {@code bounded_blocking} buffer (upstream defaults). */
public final class BoundedBlockingBufferConfig {
    @JsonProperty("buffer_size")
    @Min(1)
    private int bufferSize = 12800;

    @JsonProperty("batch_size")
    @Min(1)
    private int batchSize = 200;

    public BoundedBlockingBufferConfig() {
    }

    public int getBufferSize() {
        return bufferSize;
    }

    public int getBatchSize() {
        return batchSize;
    }

    @AssertTrue(message = "batch_size must not be larger than buffer_size")
    boolean isBatchSizeWithinBufferSize() {
        return batchSize <= bufferSize;
    }
}
