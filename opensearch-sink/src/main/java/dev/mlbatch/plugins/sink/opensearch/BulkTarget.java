package dev.mlbatch.plugins.sink.opensearch;

/** Where and how one event is written: index, optional id and routing, and the bulk action. */
public record BulkTarget(String index, String documentId, String routing, BulkAction action) {
}
