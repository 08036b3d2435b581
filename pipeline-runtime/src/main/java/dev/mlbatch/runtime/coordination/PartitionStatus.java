package dev.mlbatch.runtime.coordination;

public enum PartitionStatus {
    UNASSIGNED,
    ASSIGNED,
    CLOSED,
    COMPLETED
}
