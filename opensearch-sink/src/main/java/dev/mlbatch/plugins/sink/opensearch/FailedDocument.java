package dev.mlbatch.plugins.sink.opensearch;

/** A document OpenSearch did not accept, with the HTTP status (0 when none) and the reason. */
public record FailedDocument(PendingDocument document, int status, String reason) {
}
