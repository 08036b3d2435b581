package org.opensearch.dataprepper.model.record;

/** The unit that moves between sources, buffers, processors and sinks. */
public class Record<T> {
    private final T data;
    private final RecordMetadata metadata;

    public Record(final T data) {
        this(data, RecordMetadata.defaultMetadata());
    }

    public Record(final T data, final RecordMetadata metadata) {
        this.data = data;
        this.metadata = metadata;
    }

    public T getData() {
        return data;
    }

    public RecordMetadata getMetadata() {
        return metadata;
    }
}
