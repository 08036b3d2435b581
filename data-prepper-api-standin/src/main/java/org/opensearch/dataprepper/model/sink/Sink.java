package org.opensearch.dataprepper.model.sink;

import org.opensearch.dataprepper.model.pipeline.HeadlessPipeline;
import org.opensearch.dataprepper.model.record.Record;

import java.util.Collection;

public interface Sink<T extends Record<?>> {
    void output(Collection<T> records);

    void shutdown();

    void initialize();

    boolean isReady();

    default void updateLatencyMetrics(final Collection<T> events) {
    }

    default void setFailurePipeline(final HeadlessPipeline failurePipeline) {
    }
}
