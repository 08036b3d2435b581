package dev.mlbatch.plugins.sink.opensearch;

import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.ErrorCause;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.retries.api.BackoffStrategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends one bulk batch and settles every document in it: accepted documents are acknowledged positively;
 * 429/5xx item failures and failed requests (no answer, 429, 5xx) are retried with exponential backoff up to
 * max_retries; documents rejected for their content (400 mapping errors, ...) or out of retries go to the DLQ and
 * are acknowledged negatively. Thread-safe: each call works on its own batch.
 */
public class BulkSender {
    private static final Logger LOG = LoggerFactory.getLogger(BulkSender.class);

    /** How the sender waits between attempts; tests replace it. */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits; returns false when the sink is shutting down and retrying should stop. */
        boolean sleep(Duration duration) throws InterruptedException;
    }

    private final OpenSearchClient client;
    private final int maxRetries;
    private final BackoffStrategy backoff;
    private final FailedDocumentHandler failedDocumentHandler;
    private final SinkMetrics metrics;
    private final Sleeper sleeper;
    private final String logPrefix;

    public BulkSender(final OpenSearchClient client, final int maxRetries, final BackoffStrategy backoff,
                      final FailedDocumentHandler failedDocumentHandler, final SinkMetrics metrics, final Sleeper sleeper,
                      final String logPrefix) {
        this.client = client;
        this.maxRetries = maxRetries;
        this.backoff = backoff;
        this.failedDocumentHandler = failedDocumentHandler;
        this.metrics = metrics;
        this.sleeper = sleeper;
        this.logPrefix = logPrefix;
    }

    public void send(final BulkBatch batch) {
        List<PendingDocument> pending = batch.documents();
        String lastRetryReason = null;
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0) {
                if (attempt > maxRetries) {
                    giveUp(pending, "not accepted after " + maxRetries + " retries; last error: " + lastRetryReason);
                    return;
                }
                metrics.bulkRequestNumberOfRetries.increment();
                // The SDK numbers attempts from 1 (the first try, no delay); retry n is attempt n + 1.
                final Duration delay = backoff.computeDelay(attempt + 1);
                final boolean keepRetrying;
                try {
                    keepRetrying = sleeper.sleep(delay);
                } catch (final InterruptedException e) {
                    // Settle the documents first (the DLQ write must not run on an interrupted thread), then restore.
                    giveUp(pending, "interrupted while retrying; last error: " + lastRetryReason);
                    Thread.currentThread().interrupt();
                    return;
                }
                if (!keepRetrying) {
                    giveUp(pending, "sink shut down while retrying; last error: " + lastRetryReason);
                    return;
                }
            }
            final List<PendingDocument> retry = new ArrayList<>();
            final List<FailedDocument> rejected = new ArrayList<>();
            try {
                final BulkResponse response = execute(pending);
                final List<BulkResponseItem> items = response.items();
                for (int i = 0; i < pending.size(); i++) {
                    final PendingDocument document = pending.get(i);
                    final BulkResponseItem item = i < items.size() ? items.get(i) : null;
                    if (item == null) {
                        retry.add(document);
                        lastRetryReason = "bulk response had no item for this document";
                    } else if (item.error() == null) {
                        accepted(document, attempt);
                    } else if (isCreateConflict(document, item)) {
                        // With action create and a document_id, a 409 means the document is already there: a replay.
                        metrics.documentsVersionConflictErrors.increment();
                        accepted(document, attempt);
                    } else if (FailureStatus.isRetryable(item.status())) {
                        metrics.countStatus(item.status());
                        retry.add(document);
                        lastRetryReason = describe(item);
                    } else {
                        metrics.countStatus(item.status());
                        rejected.add(new FailedDocument(document, item.status(), describe(item)));
                    }
                }
            } catch (final Exception e) {
                metrics.bulkRequestErrors.increment();
                final int status = FailureStatus.of(e);
                final String reason = FailureStatus.describe(e);
                metrics.countStatus(status);
                if (!FailureStatus.isRetryable(status)) {
                    metrics.bulkRequestFailed.increment();
                    LOG.error("{}: bulk request of {} documents rejected ({}); not retrying, sending them to the DLQ",
                            logPrefix, pending.size(), reason);
                    failedDocumentHandler.handle(pending.stream().map(d -> new FailedDocument(d, status, reason)).toList());
                    return;
                }
                LOG.warn("{}: bulk request of {} documents failed ({}); retry {} follows", logPrefix, pending.size(), reason,
                        attempt + 1 <= maxRetries ? String.valueOf(attempt + 1) : "none (max_retries reached)");
                lastRetryReason = reason;
                retry.addAll(pending);
            }
            if (!rejected.isEmpty()) {
                failedDocumentHandler.handle(rejected);
            }
            if (retry.isEmpty()) {
                return;
            }
            pending = retry;
        }
    }

    private BulkResponse execute(final List<PendingDocument> documents) throws Exception {
        final List<BulkOperation> operations = new ArrayList<>(documents.size());
        long bytes = 0;
        for (final PendingDocument document : documents) {
            operations.add(document.operation());
            bytes += document.estimatedBytes();
        }
        metrics.bulkRequestSizeBytes.record(bytes);
        final long start = System.nanoTime();
        try {
            return client.bulk(BulkRequest.of(b -> b.operations(operations)));
        } finally {
            metrics.bulkRequestLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void accepted(final PendingDocument document, final int attempt) {
        metrics.documentsSuccess.increment();
        if (attempt == 0) {
            metrics.documentsSuccessFirstAttempt.increment();
        }
        if (document.eventHandle() != null) {
            document.eventHandle().release(true);
        }
    }

    private void giveUp(final List<PendingDocument> pending, final String reason) {
        metrics.bulkRequestFailed.increment();
        LOG.error("{}: {} documents {}; sending them to the DLQ", logPrefix, pending.size(), reason);
        failedDocumentHandler.handle(pending.stream().map(d -> new FailedDocument(d, 0, reason)).toList());
    }

    private static boolean isCreateConflict(final PendingDocument document, final BulkResponseItem item) {
        return item.status() == 409 && document.target().action() == BulkAction.CREATE
                && document.target().documentId() != null;
    }

    private static String describe(final BulkResponseItem item) {
        final ErrorCause error = item.error();
        final StringBuilder reason = new StringBuilder().append(error.type()).append(": ").append(error.reason());
        if (error.causedBy() != null) {
            reason.append(" (caused by ").append(error.causedBy().type()).append(": ").append(error.causedBy().reason()).append(')');
        }
        return reason.toString();
    }
}
