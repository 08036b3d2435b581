package org.opensearch.dataprepper.model.buffer;

import org.opensearch.dataprepper.model.CheckpointState;
import org.opensearch.dataprepper.model.pipeline.HeadlessPipeline;
import org.opensearch.dataprepper.model.record.Record;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeoutException;

public interface Buffer<T extends Record<?>> {
    void write(T record, int timeoutInMillis) throws TimeoutException;

    void writeAll(Collection<T> records, int timeoutInMillis) throws Exception;

    default void writeBytes(final byte[] bytes, final String key, final int timeoutInMillis) throws Exception {
        throw new UnsupportedOperationException("This buffer type does not support bytes.");
    }

    Map.Entry<Collection<T>, CheckpointState> read(int timeoutInMillis);

    void checkpoint(CheckpointState checkpointState);

    boolean isEmpty();

    default boolean isByteBuffer() {
        return false;
    }

    default java.util.Optional<Integer> getMaxRequestSize() {
        return java.util.Optional.empty();
    }

    default java.util.Optional<Integer> getOptimalRequestSize() {
        return java.util.Optional.empty();
    }

    default Duration getDrainTimeout() {
        return Duration.ZERO;
    }

    default boolean areAcknowledgementsEnabled() {
        return false;
    }

    default boolean isWrittenOffHeapOnly() {
        return false;
    }

    default void shutdown() {
    }

    default void setFailurePipeline(final HeadlessPipeline failurePipeline) {
    }
}
