package dev.mlbatch.plugins.sink.opensearch;

import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.dataprepper.model.event.EventHandle;

/**
 * One event waiting in a bulk request: its operation, its JSON (kept for the DLQ), its estimated size in the
 * NDJSON body, and its handle for end-to-end acknowledgements.
 */
public record PendingDocument(BulkTarget target, BulkOperation operation, String json, long estimatedBytes,
                              EventHandle eventHandle) {
    /** Action line, separators and newlines around the source, counted as upstream does (an estimate). */
    static long estimateBytes(final BulkTarget target, final String json) {
        long bytes = 64 + target.index().length();
        if (target.documentId() != null) {
            bytes += target.documentId().length();
        }
        if (target.routing() != null) {
            bytes += target.routing().length();
        }
        if (json != null) {
            bytes += utf8Length(json) + 1;
            if (target.action() == BulkAction.UPDATE || target.action() == BulkAction.UPSERT) {
                bytes += 32;
            }
        }
        return bytes;
    }

    private static long utf8Length(final String s) {
        long length = 0;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c < 0x80) {
                length++;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c)) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }
}
