package dev.mlbatch.plugins.sink.opensearch;

import org.opensearch.client.opensearch.core.bulk.BulkOperation;

/** Builds the opensearch-java bulk operation for a target and a serialized document. */
public final class BulkOperationFactory {
    private BulkOperationFactory() {
    }

    public static BulkOperation create(final BulkTarget target, final RawJsonDocument document) {
        switch (target.action()) {
            case INDEX:
                return BulkOperation.of(b -> b.index(i -> i.index(target.index()).id(target.documentId())
                        .routing(target.routing()).document(document)));
            case CREATE:
                return BulkOperation.of(b -> b.create(c -> c.index(target.index()).id(target.documentId())
                        .routing(target.routing()).document(document)));
            case UPDATE:
                return BulkOperation.of(b -> b.update(u -> u.index(target.index()).id(target.documentId())
                        .routing(target.routing()).document(document)));
            case UPSERT:
                return BulkOperation.of(b -> b.update(u -> u.index(target.index()).id(target.documentId())
                        .routing(target.routing()).document(document).docAsUpsert(true)));
            case DELETE:
                return BulkOperation.of(b -> b.delete(d -> d.index(target.index()).id(target.documentId())
                        .routing(target.routing())));
            default:
                throw new IllegalStateException("unhandled action " + target.action());
        }
    }
}
