package org.opensearch.dataprepper.model.source.coordinator;

import java.util.Objects;

/** Names one unit of source work, e.g. {@code bucket|key} for one S3 object. */
public class PartitionIdentifier {
    private final String partitionKey;

    private PartitionIdentifier(final Builder builder) {
        this.partitionKey = Objects.requireNonNull(builder.partitionKey, "partitionKey cannot be null");
    }

    public String getPartitionKey() {
        return partitionKey;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static class Builder {
        private String partitionKey;

        public Builder withPartitionKey(final String partitionKey) {
            this.partitionKey = partitionKey;
            return this;
        }

        public PartitionIdentifier build() {
            return new PartitionIdentifier(this);
        }
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof PartitionIdentifier && ((PartitionIdentifier) o).partitionKey.equals(partitionKey);
    }

    @Override
    public int hashCode() {
        return partitionKey.hashCode();
    }
}
