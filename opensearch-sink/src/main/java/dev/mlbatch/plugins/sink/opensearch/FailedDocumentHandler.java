package dev.mlbatch.plugins.sink.opensearch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * Settles documents OpenSearch did not accept: writes them to the DLQ file when one is configured (or logs each one
 * when none is), counts them, and acknowledges their events negatively so the source can see they were not indexed.
 */
public class FailedDocumentHandler {
    private static final Logger LOG = LoggerFactory.getLogger(FailedDocumentHandler.class);

    private final DeadLetterFile deadLetterFile;
    private final SinkMetrics metrics;
    private final String logPrefix;

    public FailedDocumentHandler(final DeadLetterFile deadLetterFile, final SinkMetrics metrics, final String logPrefix) {
        this.deadLetterFile = deadLetterFile;
        this.metrics = metrics;
        this.logPrefix = logPrefix;
    }

    public void handle(final List<FailedDocument> failures) {
        if (failures.isEmpty()) {
            return;
        }
        metrics.documentErrors.increment(failures.size());
        if (deadLetterFile != null) {
            try {
                deadLetterFile.write(failures);
                metrics.dlqFileWrites.increment(failures.size());
                LOG.warn("{}: {} documents not indexed, written to dlq_file {}; first: index={} id={} status={} reason={}",
                        logPrefix, failures.size(), deadLetterFile.path(), failures.get(0).document().target().index(),
                        failures.get(0).document().target().documentId(), failures.get(0).status(), failures.get(0).reason());
            } catch (final IOException e) {
                metrics.dlqFileWriteErrors.increment(failures.size());
                LOG.error("{}: could not write {} failed documents to dlq_file {}: {}", logPrefix, failures.size(),
                        deadLetterFile.path(), e.getMessage());
                logEach(failures);
            }
        } else {
            logEach(failures);
        }
        for (final FailedDocument failure : failures) {
            if (failure.document().eventHandle() != null) {
                failure.document().eventHandle().release(false);
            }
        }
    }

    private void logEach(final List<FailedDocument> failures) {
        for (final FailedDocument failure : failures) {
            LOG.warn("{}: document not indexed (no dlq_file): index={} id={} status={} reason={}", logPrefix,
                    failure.document().target().index(), failure.document().target().documentId(), failure.status(),
                    failure.reason());
        }
    }
}
