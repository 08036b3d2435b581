package dev.mlbatch.plugins.s3source;

import org.opensearch.dataprepper.model.source.coordinator.SourceCoordinator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The ways an object partition leaves a worker's hands, each paired with the bookkeeping of the pending gauge:
 * completed (read and, with acknowledgements, acknowledged), retried later with backoff (given up with a priority
 * time in the future, attempts saved), parked after a permanent failure (closed, never completed, reopened after
 * a while), or released without delay when the source stops.
 */
public class PartitionSettler {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionSettler.class);
    /** Transient trouble that outlasted the retries: conditions may change, so the object is tried again later. */
    static final Duration PARK_AFTER_RETRIES = Duration.ofHours(1);
    /**
     * Bad content: the partition pins one ETag, whose bytes never change, so re-reading cannot succeed (and would
     * resend the records before the bad spot). A fixed object is a new version and so a new partition.
     */
    static final Duration PARK_BAD_CONTENT = Duration.ofDays(365);

    private final SourceCoordinator<S3ObjectProgressState> coordinator;
    private final PartitionLedger ledger;
    private final S3ScanMetrics metrics;
    private final RetryBackoff backoff;
    private final Clock clock;

    public PartitionSettler(final SourceCoordinator<S3ObjectProgressState> coordinator, final PartitionLedger ledger,
                            final S3ScanMetrics metrics, final RetryBackoff backoff, final Clock clock) {
        this.coordinator = coordinator;
        this.ledger = ledger;
        this.metrics = metrics;
        this.backoff = backoff;
        this.clock = clock;
    }

    public void complete(final String partitionKey, final boolean fromAcknowledgment) {
        try {
            coordinator.completePartition(partitionKey, fromAcknowledgment);
        } catch (final RuntimeException e) {
            LOG.warn("Could not mark partition {} completed: {}", partitionKey, e.getMessage());
        } finally {
            ledger.onSettled(partitionKey);
        }
    }

    /** Gives the partition back to be read again after a backoff that grows with its attempts; returns the delay. */
    public Duration retryLater(final String partitionKey, final S3ObjectProgressState state) {
        final Duration delay = backoff.delayAfter(state.getAttempts());
        try {
            coordinator.saveProgressStateForPartition(partitionKey, state);
        } catch (final RuntimeException e) {
            LOG.warn("Could not save the attempt count of partition {}: {}", partitionKey, e.getMessage());
        }
        try {
            coordinator.giveUpPartition(partitionKey, clock.instant().plus(delay));
            metrics.objectsRetried.increment();
        } catch (final RuntimeException e) {
            // Still owned until its lease lapses; it is retried then.
            LOG.warn("Could not give up partition {} for a retry: {}", partitionKey, e.getMessage());
        }
        return delay;
    }

    /** Closes the partition without completing it: it was not (fully) read and will be tried again later. */
    public void park(final String partitionKey, final Duration reopenAfter, final boolean fromAcknowledgment) {
        try {
            coordinator.closePartition(partitionKey, reopenAfter, Integer.MAX_VALUE, fromAcknowledgment);
        } catch (final RuntimeException e) {
            LOG.warn("Could not close partition {}: {}", partitionKey, e.getMessage());
        } finally {
            ledger.onSettled(partitionKey);
        }
    }

    /**
     * A processing condition is not met yet: the partition is closed (not completed) with its state saved, and the
     * coordinator hands it out again after {@code retryDelay}, without a new scan. It stays outstanding in the ledger,
     * so the source is not finished while objects wait.
     */
    public void waitForCondition(final String partitionKey, final S3ObjectProgressState state, final Duration retryDelay) {
        try {
            coordinator.saveProgressStateForPartition(partitionKey, state);
        } catch (final RuntimeException e) {
            LOG.warn("Could not save the condition check count of partition {}: {}", partitionKey, e.getMessage());
        }
        try {
            // Never completed by the close count: only the source decides when an object may be read.
            coordinator.closePartition(partitionKey, retryDelay, Integer.MAX_VALUE, false);
        } catch (final RuntimeException e) {
            // Still owned until its lease lapses; it is checked again then.
            LOG.warn("Could not close partition {} to wait for its processing condition: {}", partitionKey, e.getMessage());
        }
    }

    /** Source stopping: the partition is free for the next run at once. */
    public void release(final String partitionKey) {
        try {
            coordinator.giveUpPartition(partitionKey, Instant.EPOCH);
        } catch (final RuntimeException e) {
            LOG.warn("Could not give up partition {} on stop: {}", partitionKey, e.getMessage());
        } finally {
            ledger.onSettled(partitionKey);
        }
    }

    public void waitForAcknowledgment(final String partitionKey, final Duration acknowledgmentTimeout) {
        coordinator.updatePartitionForAcknowledgmentWait(partitionKey, acknowledgmentTimeout);
    }

    public void renewOwnership(final String partitionKey) {
        try {
            coordinator.renewPartitionOwnership(partitionKey);
        } catch (final RuntimeException e) {
            LOG.warn("Could not renew ownership of partition {}: {}", partitionKey, e.getMessage());
        }
    }
}
