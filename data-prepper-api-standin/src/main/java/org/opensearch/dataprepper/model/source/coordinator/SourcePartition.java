package org.opensearch.dataprepper.model.source.coordinator;

import java.util.Objects;
import java.util.Optional;

/** A partition acquired by this node, with its saved progress state. */
public class SourcePartition<T> {
    private final String partitionKey;
    private final T partitionState;
    private final Long partitionClosedCount;

    private SourcePartition(final Builder<T> builder) {
        this.partitionKey = Objects.requireNonNull(builder.partitionKey, "partitionKey cannot be null");
        this.partitionState = builder.partitionState;
        this.partitionClosedCount = builder.partitionClosedCount;
    }

    public String getPartitionKey() {
        return partitionKey;
    }

    public Optional<T> getPartitionState() {
        return Optional.ofNullable(partitionState);
    }

    public Long getPartitionClosedCount() {
        return partitionClosedCount;
    }

    public static <T> Builder<T> builder(final Class<T> clazz) {
        return new Builder<>(clazz);
    }

    public static class Builder<T> {
        private String partitionKey;
        private T partitionState;
        private Long partitionClosedCount;

        public Builder(final Class<T> clazz) {
        }

        public Builder<T> withPartitionKey(final String partitionKey) {
            this.partitionKey = partitionKey;
            return this;
        }

        public Builder<T> withPartitionState(final T partitionState) {
            this.partitionState = partitionState;
            return this;
        }

        public Builder<T> withPartitionClosedCount(final Long partitionClosedCount) {
            this.partitionClosedCount = partitionClosedCount;
            return this;
        }

        public SourcePartition<T> build() {
            return new SourcePartition<>(this);
        }
    }
}
