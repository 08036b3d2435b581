package org.opensearch.dataprepper.model.processor;

import org.opensearch.dataprepper.model.pipeline.HeadlessPipeline;
import org.opensearch.dataprepper.model.record.Record;

import java.util.Collection;

public interface Processor<InputRecord extends Record<?>, OutputRecord extends Record<?>> {
    Collection<OutputRecord> execute(Collection<InputRecord> records);

    /** Called once shutdown starts; the processor stops taking new work it cannot finish. */
    void prepareForShutdown();

    /** Whether the processor keeps events across calls (and so owns their acknowledgement). */
    default boolean holdsEvents() {
        return false;
    }

    boolean isReadyForShutdown();

    void shutdown();

    default void setFailurePipeline(final HeadlessPipeline failurePipeline) {
    }
}
