package org.opensearch.dataprepper.model.source;

import org.opensearch.dataprepper.model.buffer.Buffer;
import org.opensearch.dataprepper.model.pipeline.HeadlessPipeline;
import org.opensearch.dataprepper.model.record.Record;

public interface Source<T extends Record<?>> {
    void start(Buffer<T> buffer);

    void stop();

    default boolean areAcknowledgementsEnabled() {
        return false;
    }

    default void setFailurePipeline(final HeadlessPipeline failurePipeline) {
    }
}
