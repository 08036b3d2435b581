package dev.mlbatch.plugins.s3source;

import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.source.coordinator.SourceCoordinator;
import org.opensearch.dataprepper.model.source.coordinator.SourcePartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One of the source's {@code workers}: takes object partitions from the coordinator (which runs the scan supplier
 * when it has none) and processes them one at a time until the source stops. When there is nothing to do it sleeps
 * until the next scan is due, at most {@code backoff_time}, and at most a second while its own objects wait for
 * a retry; while a scan is being listed (another worker waits for S3's next page) it looks again within milliseconds.
 */
public class ScanWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ScanWorker.class);
    private static final Duration RETRY_POLL = Duration.ofSeconds(1);
    /** While another worker lists the next page, partitions appear within milliseconds. */
    private static final Duration LISTING_POLL = Duration.ofMillis(2);

    private final SourceCoordinator<S3ObjectProgressState> coordinator;
    private final ScanPartitionSupplier supplier;
    private final ObjectPartitionProcessor processor;
    private final InputCodec codec;
    private final PartitionLedger ledger;
    private final ScanSchedule schedule;
    private final Duration backoffTime;
    private final CountDownLatch stopSignal;
    private final Clock clock;

    public ScanWorker(final SourceCoordinator<S3ObjectProgressState> coordinator, final ScanPartitionSupplier supplier,
                      final ObjectPartitionProcessor processor, final InputCodec codec, final PartitionLedger ledger,
                      final ScanSchedule schedule, final Duration backoffTime, final CountDownLatch stopSignal, final Clock clock) {
        this.coordinator = coordinator;
        this.supplier = supplier;
        this.processor = processor;
        this.codec = codec;
        this.ledger = ledger;
        this.schedule = schedule;
        this.backoffTime = backoffTime;
        this.stopSignal = stopSignal;
        this.clock = clock;
    }

    @Override
    public void run() {
        while (stopSignal.getCount() > 0) {
            final Optional<SourcePartition<S3ObjectProgressState>> partition;
            try {
                partition = coordinator.getNextPartition(supplier, supplier.wantsToListMore());
            } catch (final RuntimeException e) {
                LOG.error("s3 scan could not get or create partitions: {}; retrying in {}", describe(e), backoffTime);
                sleep(backoffTime);
                continue;
            }
            if (partition.isEmpty()) {
                ledger.onNothingAvailable();
                if (supplier.isListing()) {
                    sleep(LISTING_POLL);
                    continue;
                }
                final Duration idle = schedule.idleSleep(backoffTime, clock.instant());
                sleep(ledger.outstandingCount() > 0 && idle.compareTo(RETRY_POLL) > 0 ? RETRY_POLL : idle);
                continue;
            }
            ledger.onAcquired(partition.get().getPartitionKey());
            try {
                processor.process(partition.get(), codec);
            } catch (final RuntimeException e) {
                // process() settles every partition itself; reaching here is a bug, logged with its stack.
                LOG.error("Unexpected failure processing partition {}", partition.get().getPartitionKey(), e);
                sleep(RETRY_POLL);
            }
        }
    }

    private static String describe(final Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private void sleep(final Duration duration) {
        try {
            stopSignal.await(Math.max(1, duration.toMillis()), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
