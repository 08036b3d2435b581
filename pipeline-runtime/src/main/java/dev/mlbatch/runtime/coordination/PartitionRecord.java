package dev.mlbatch.runtime.coordination;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/** The stored state of one partition. Immutable: every change writes a new record. */
public record PartitionRecord(
        @JsonProperty("source") String sourceId,
        @JsonProperty("key") String partitionKey,
        @JsonProperty("status") PartitionStatus status,
        @JsonProperty("owner") String owner,
        @JsonProperty("lease_until") Instant leaseUntil,
        @JsonProperty("available_after") Instant availableAfter,
        @JsonProperty("closed_count") long closedCount,
        @JsonProperty("given_up_count") int givenUpCount,
        @JsonProperty("state") String progressState) {

    static PartitionRecord unassigned(final String sourceId, final String partitionKey) {
        return new PartitionRecord(sourceId, partitionKey, PartitionStatus.UNASSIGNED, null, null, null, 0, 0, null);
    }

    PartitionRecord withStatus(final PartitionStatus newStatus, final String newOwner, final Instant newLeaseUntil,
                               final Instant newAvailableAfter) {
        return new PartitionRecord(sourceId, partitionKey, newStatus, newOwner, newLeaseUntil, newAvailableAfter,
                closedCount, givenUpCount, progressState);
    }

    PartitionRecord withProgressState(final String newState) {
        return new PartitionRecord(sourceId, partitionKey, status, owner, leaseUntil, availableAfter, closedCount, givenUpCount, newState);
    }

    PartitionRecord withCounts(final long newClosedCount, final int newGivenUpCount) {
        return new PartitionRecord(sourceId, partitionKey, status, owner, leaseUntil, availableAfter, newClosedCount, newGivenUpCount, progressState);
    }
}
