package dev.mlbatch.plugins.sink.opensearch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Documents collected for one bulk request, with their estimated body size and when its first document came. */
public final class BulkBatch {
    private final List<PendingDocument> documents = new ArrayList<>();
    private long startedNanos;
    private long estimatedBytes;

    BulkBatch() {
    }

    /** Adds a document; the first one starts the flush_timeout clock. */
    void add(final PendingDocument document, final long nowNanos) {
        if (documents.isEmpty()) {
            startedNanos = nowNanos;
        }
        documents.add(document);
        estimatedBytes += document.estimatedBytes();
    }

    public List<PendingDocument> documents() {
        return Collections.unmodifiableList(documents);
    }

    public long estimatedBytes() {
        return estimatedBytes;
    }

    public boolean isEmpty() {
        return documents.isEmpty();
    }

    long startedNanos() {
        return startedNanos;
    }
}
