package dev.mlbatch.plugins.s3source;

import org.opensearch.dataprepper.model.source.coordinator.PartitionIdentifier;
import org.opensearch.dataprepper.model.source.coordinator.SourceCoordinator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The partition-creation supplier handed to {@link SourceCoordinator#getNextPartition}. When a scan is due it
 * lists every target and creates one partition per object version, page by page, then records the scan in the
 * global state. A bucket that does not exist or refuses access is logged and skipped for this scan; any other
 * listing failure (after the SDK's retries) aborts the scan without recording it, so it is retried.
 */
public class ScanPartitionSupplier implements java.util.function.Function<Map<String, Object>, List<PartitionIdentifier>> {
    private static final Logger LOG = LoggerFactory.getLogger(ScanPartitionSupplier.class);

    private final ScanTargets scanTargets;
    private final BucketLister lister;
    private final ScanSchedule schedule;
    private final PartitionLedger ledger;
    private final S3ScanMetrics metrics;
    private final Clock clock;
    private volatile SourceCoordinator<?> sourceCoordinator;

    public ScanPartitionSupplier(final ScanTargets scanTargets, final BucketLister lister, final ScanSchedule schedule,
                                 final PartitionLedger ledger, final S3ScanMetrics metrics, final Clock clock) {
        this.scanTargets = scanTargets;
        this.lister = lister;
        this.schedule = schedule;
        this.ledger = ledger;
        this.metrics = metrics;
        this.clock = clock;
    }

    public void setSourceCoordinator(final SourceCoordinator<?> sourceCoordinator) {
        this.sourceCoordinator = sourceCoordinator;
    }

    @Override
    public synchronized List<PartitionIdentifier> apply(final Map<String, Object> globalState) {
        final Instant now = clock.instant();
        if (!schedule.isScanDue(globalState, now)) {
            return Collections.emptyList();
        }
        final int scanNumber = ScanSchedule.scansDone(globalState) + 1;
        // A one-shot scan is a first scan on every start: its whole window applies.
        final boolean laterScan = scanNumber > 1 && !schedule.isOneShot();
        if (schedule.isOneShot()) {
            LOG.info("s3 scan started (one scan, no scheduling{}) over {} bucket entries", scanNumber > 1
                    ? "; the store records " + (scanNumber - 1) + " earlier, objects they completed are skipped" : "",
                    scanTargets.all().size());
        } else {
            LOG.info("s3 scan {} of {} started over {} bucket entries", scanNumber,
                    schedule.allowedScans() == Integer.MAX_VALUE ? "unlimited" : schedule.allowedScans(), scanTargets.all().size());
        }
        long total = 0;
        for (final ScanTarget target : scanTargets.all()) {
            total += listTarget(target, scanNumber, laterScan);
        }
        schedule.recordScan(globalState, now);
        metrics.scansCompleted.increment();
        LOG.info("s3 scan {} listed {} objects", scanNumber, total);
        return Collections.emptyList();
    }

    private long listTarget(final ScanTarget target, final int scanNumber, final boolean laterScan) {
        try {
            // On later scans only the window's start applies, as upstream: the end was fixed for the first scan.
            return lister.list(target, laterScan, this::createPartitions);
        } catch (final S3Exception e) {
            if (isPermanentForThisScan(e)) {
                metrics.bucketListFailed.increment();
                LOG.error("s3 scan {}: cannot list {}: {} (HTTP {}{}); skipping it in this scan, other buckets continue",
                        scanNumber, target.describe(), errorCode(e), e.statusCode(),
                        target.getExpectedBucketOwner().map(owner -> ", expected bucket owner " + owner).orElse(""));
                return 0;
            }
            metrics.bucketListFailed.increment();
            throw e;
        } catch (final SdkException e) {
            metrics.bucketListFailed.increment();
            throw e;
        }
    }

    private static boolean isPermanentForThisScan(final S3Exception e) {
        // 404 NoSuchBucket; 403 AccessDenied (also what S3 answers when expectedBucketOwner does not match);
        // 301 bucket in another region.
        return e.statusCode() == 404 || e.statusCode() == 403 || e.statusCode() == 301;
    }

    static String errorCode(final S3Exception e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                ? e.awsErrorDetails().errorCode() : "HTTP " + e.statusCode();
    }

    private void createPartitions(final List<S3ObjectReference> page) {
        final List<PartitionIdentifier> identifiers = page.stream()
                .map(object -> PartitionIdentifier.builder().withPartitionKey(object.toPartitionKey()).build())
                .collect(Collectors.toList());
        sourceCoordinator.createPartitions(identifiers);
        metrics.objectsListed.increment(page.size());
        ledger.onListed(page.size());
    }
}
