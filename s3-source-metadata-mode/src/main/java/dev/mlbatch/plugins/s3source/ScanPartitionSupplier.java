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
 * lists every target and creates one partition per object version, page by page, at most
 * {@link #OBJECTS_PER_CALL} objects a call (the next call goes on where this one stopped), and records the scan in
 * the global state once the last target is listed. A bucket that does not exist or refuses access is logged and
 * skipped for this scan; any other listing failure (after the SDK's retries) leaves the scan unrecorded at the page
 * that failed, and the next call tries that page again. Where a scan stands is kept in this process only: after a
 * restart the scan lists from its start, and the partitions created before are not created twice.
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

    /**
     * Objects after which one call returns (a page is never split): about one page of a default listing. A call
     * holds the listing for one S3 round trip only, so the worker that lists goes back to processing objects at once
     * and the next page is asked for as soon as the backlog allows; the partitions waiting to be taken, each a record
     * in the coordination store, stay few however big the bucket is.
     */
    static final int OBJECTS_PER_CALL = 1_000;
    /**
     * Below this many listed objects not yet taken, a worker asks for the next part of a scan under way: ten pages
     * ahead, so that workers do not run dry while one of them waits for S3.
     */
    static final int LIST_AHEAD_BELOW = 10_000;

    /** Where the scan under way stands: which target, which of its prefixes, which page. */
    private static final class ScanCursor {
        final int scanNumber;
        final boolean laterScan;
        final Instant startedAt;
        int target;
        int prefix;
        String continuationToken;
        long listed;

        ScanCursor(final int scanNumber, final boolean laterScan, final Instant startedAt) {
            this.scanNumber = scanNumber;
            this.laterScan = laterScan;
            this.startedAt = startedAt;
        }
    }

    private volatile ScanCursor scan;

    /** Whether a scan is under way and few of its listed objects wait to be taken: time to list its next part. */
    public boolean wantsToListMore() {
        return scan != null && ledger.listedNotYetTaken() < LIST_AHEAD_BELOW;
    }

    /** Whether a scan has started and has objects left to list. */
    public boolean isListing() {
        return scan != null;
    }

    @Override
    public synchronized List<PartitionIdentifier> apply(final Map<String, Object> globalState) {
        final Instant now = clock.instant();
        if (scan == null) {
            if (!schedule.isScanDue(globalState, now)) {
                return Collections.emptyList();
            }
            final int scanNumber = ScanSchedule.scansDone(globalState) + 1;
            // A one-shot scan is a first scan on every start: its whole window applies.
            scan = new ScanCursor(scanNumber, scanNumber > 1 && !schedule.isOneShot(), now);
            if (schedule.isOneShot()) {
                LOG.info("s3 scan started (one scan, no scheduling{}) over {} bucket entries", scanNumber > 1
                        ? "; the store records " + (scanNumber - 1) + " earlier, objects they completed are skipped" : "",
                        scanTargets.all().size());
            } else {
                LOG.info("s3 scan {} of {} started over {} bucket entries", scanNumber,
                        schedule.allowedScans() == Integer.MAX_VALUE ? "unlimited" : schedule.allowedScans(), scanTargets.all().size());
            }
        }
        if (listSome(scan)) {
            schedule.recordScan(globalState, scan.startedAt);
            metrics.scansCompleted.increment();
            LOG.info("s3 scan {} listed {} objects", scan.scanNumber, scan.listed);
            scan = null;
        }
        return Collections.emptyList();
    }

    /** Lists from the cursor until {@link #OBJECTS_PER_CALL} objects or the scan's end; returns true at its end. */
    private boolean listSome(final ScanCursor cursor) {
        long listedNow = 0;
        final List<ScanTarget> targets = scanTargets.all();
        while (cursor.target < targets.size()) {
            final ScanTarget target = targets.get(cursor.target);
            final List<String> prefixes = BucketLister.prefixesOf(target);
            if (cursor.prefix >= prefixes.size()) {
                cursor.target++;
                cursor.prefix = 0;
                continue;
            }
            if (listedNow >= OBJECTS_PER_CALL) {
                return false;
            }
            final BucketLister.Page page = listPage(target, prefixes.get(cursor.prefix), cursor);
            if (page == null) {
                cursor.target++;
                cursor.prefix = 0;
                cursor.continuationToken = null;
                continue;
            }
            listedNow += page.accepted();
            cursor.listed += page.accepted();
            cursor.continuationToken = page.nextToken();
            if (cursor.continuationToken == null) {
                cursor.prefix++;
            }
        }
        return true;
    }

    /** One page, or null when the target is skipped for this scan (its bucket does not exist or refuses access). */
    private BucketLister.Page listPage(final ScanTarget target, final String prefix, final ScanCursor cursor) {
        try {
            // On later scans only the window's start applies, as upstream: the end was fixed for the first scan.
            return lister.listPage(target, prefix, cursor.continuationToken, cursor.laterScan, this::createPartitions);
        } catch (final S3Exception e) {
            metrics.bucketListFailed.increment();
            if (isPermanentForThisScan(e)) {
                LOG.error("s3 scan {}: cannot list {}: {} (HTTP {}{}); skipping it in this scan, other buckets continue",
                        cursor.scanNumber, target.describe(), errorCode(e), e.statusCode(),
                        target.getExpectedBucketOwner().map(owner -> ", expected bucket owner " + owner).orElse(""));
                return null;
            }
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
