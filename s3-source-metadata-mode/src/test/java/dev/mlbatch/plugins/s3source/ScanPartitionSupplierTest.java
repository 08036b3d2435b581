package dev.mlbatch.plugins.s3source;

import dev.mlbatch.plugins.s3source.config.DataSelection;
import dev.mlbatch.plugins.s3source.fixtures.InMemorySourceCoordinator;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * The supplier alone, over a mocked S3 client serving a bucket of 25 pages of 1,000 objects: a big bucket is listed
 * a part at a time, so the partitions waiting to be taken stay few, and the scan is recorded only at its end.
 */
class ScanPartitionSupplierTest {
    private static final int PAGES = 25;
    private static final int PAGE_SIZE = 1000;
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private final S3Client s3 = mock(S3Client.class);
    private final InMemorySourceCoordinator<S3ObjectProgressState> coordinator = new InMemorySourceCoordinator<>(S3ObjectProgressState.class);
    private final PartitionLedger ledger = new PartitionLedger();
    private final ScanSchedule schedule = new ScanSchedule(null);
    private final Map<String, Object> globalState = new HashMap<>();
    private final List<String> tokensAsked = new ArrayList<>();

    private ScanPartitionSupplier supplier() {
        when(s3.listObjectsV2(any(ListObjectsV2Request.class))).thenAnswer(call -> {
            final ListObjectsV2Request request = call.getArgument(0);
            tokensAsked.add(request.continuationToken());
            final int page = request.continuationToken() == null ? 0 : Integer.parseInt(request.continuationToken());
            final List<S3Object> objects = new ArrayList<>();
            for (int i = 0; i < PAGE_SIZE; i++) {
                objects.add(S3Object.builder().key(String.format("in/%02d/%04d.jsonl", page, i)).eTag("\"e\"").size(10L)
                        .lastModified(NOW.minusSeconds(60)).build());
            }
            final boolean last = page == PAGES - 1;
            return ListObjectsV2Response.builder().contents(objects).isTruncated(!last)
                    .nextContinuationToken(last ? null : String.valueOf(page + 1)).build();
        });
        final ScanTargets targets = new ScanTargets(List.of(new ScanTarget("bkt", DataSelection.METADATA_ONLY, List.of(), List.of(),
                null, null, Optional.empty())));
        final ScanPartitionSupplier supplier = new ScanPartitionSupplier(targets, new BucketLister(s3, targets), schedule, ledger,
                new S3ScanMetrics(PluginMetrics.fromNames("s3", "supplier-test")), Clock.fixed(NOW, ZoneOffset.UTC));
        supplier.setSourceCoordinator(coordinator);
        return supplier;
    }

    @Test
    void aBigBucketIsListedAPageACallAndTheScanRecordedAtItsEnd() {
        final ScanPartitionSupplier supplier = supplier();

        supplier.apply(globalState);
        assertEquals(PAGE_SIZE, coordinator.statuses().size(), "the first call lists one page");
        assertTrue(supplier.isListing());
        assertFalse(schedule.isAllScansDone());
        assertEquals(0, ScanSchedule.scansDone(globalState), "not recorded before its end");
        assertTrue(supplier.wantsToListMore(), "1,000 listed objects wait: fewer than the ten pages listed ahead");

        for (int call = 2; call <= 10; call++) {
            supplier.apply(globalState);
        }
        assertEquals(10 * PAGE_SIZE, coordinator.statuses().size());
        assertFalse(supplier.wantsToListMore(), "ten pages wait to be taken: no more listing until workers take some");
        ledger.onAcquired("taken-0");
        assertTrue(supplier.wantsToListMore(), "one taken: the next page may be listed");

        while (supplier.isListing()) {
            supplier.apply(globalState);
        }
        assertEquals(PAGES * PAGE_SIZE, coordinator.statuses().size(), "the whole bucket, each object once");
        assertEquals(1, ScanSchedule.scansDone(globalState));
        assertTrue(schedule.isAllScansDone());
        assertFalse(supplier.wantsToListMore(), "no scan under way");
        assertEquals(PAGES, tokensAsked.size(), "each page listed once, from where the last call stopped");
        assertEquals(null, tokensAsked.get(0));
        assertEquals("10", tokensAsked.get(10));

        supplier.apply(globalState);
        assertEquals(PAGES, tokensAsked.size(), "a one-shot scan does not list again");
    }
}
