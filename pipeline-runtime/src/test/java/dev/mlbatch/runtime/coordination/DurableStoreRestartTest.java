package dev.mlbatch.runtime.coordination;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.source.coordinator.PartitionIdentifier;
import org.opensearch.dataprepper.model.source.coordinator.SourceCoordinator;
import org.opensearch.dataprepper.model.source.coordinator.SourcePartition;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurableStoreRestartTest {
    @TempDir
    Path dir;

    public record Progress(String etag) {
    }

    private static SourceCoordinator<Progress> coordinator(final PartitionStore store, final String run) {
        final LeaseBasedSourceCoordinator<Progress> coordinator = new LeaseBasedSourceCoordinator<>("scan", "scan:" + run,
                Progress.class, store, PluginMetrics.fromNames("source-coordinator", "scan"), Clock.systemUTC());
        coordinator.initialize();
        return coordinator;
    }

    private static Function<Map<String, Object>, List<PartitionIdentifier>> listing(final int count) {
        return globalState -> {
            globalState.merge("SCAN_COUNT", 1, (a, b) -> (Integer) a + (Integer) b);
            final List<PartitionIdentifier> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ids.add(PartitionIdentifier.builder().withPartitionKey("bucket|key-" + i).build());
            }
            return ids;
        };
    }

    @Test
    void completedPartitionsStayCompletedAfterRestartAndUnfinishedOnesComeBack() {
        final Path file = dir.resolve("store.jsonl");
        final Set<String> firstRun = new HashSet<>();
        try (PartitionStore store = PartitionStore.durable(file)) {
            final SourceCoordinator<Progress> coordinator = coordinator(store, "run1");
            for (int i = 0; i < 6; i++) {
                final SourcePartition<Progress> partition = coordinator.getNextPartition(listing(10)).orElseThrow();
                firstRun.add(partition.getPartitionKey());
                if (i < 4) {
                    coordinator.saveProgressStateForPartition(partition.getPartitionKey(), new Progress("etag-" + i));
                    coordinator.completePartition(partition.getPartitionKey(), false);
                }
                // partitions 5 and 6 stay assigned, as if the runtime was killed while reading them
            }
        }

        final Set<String> secondRun = new HashSet<>();
        try (PartitionStore store = PartitionStore.durable(file)) {
            final SourceCoordinator<Progress> coordinator = coordinator(store, "run2");
            Optional<SourcePartition<Progress>> next;
            while ((next = coordinator.getNextPartition(listing(10))).isPresent()) {
                assertTrue(secondRun.add(next.get().getPartitionKey()), "acquired twice: " + next.get().getPartitionKey());
                coordinator.completePartition(next.get().getPartitionKey(), false);
            }
            assertEquals(Map.of(PartitionStatus.COMPLETED, 10), store.countByStatus("scan"));
            assertEquals(2, store.globalState("scan").get("SCAN_COUNT"), "global state survives the restart");
        }
        assertEquals(6, secondRun.size(), "4 completed partitions must not come back; 2 unfinished + 4 new must");
        final Set<String> overlap = new HashSet<>(secondRun);
        overlap.retainAll(firstRun);
        assertEquals(2, overlap.size(), "only the two unfinished partitions are redone");
    }

    @Test
    void closedPartitionReopensAfterItsDelayAndGiveUpWithFuturePriorityWaits() throws Exception {
        try (PartitionStore store = PartitionStore.inMemory()) {
            final SourceCoordinator<Progress> coordinator = coordinator(store, "run");
            final String key = coordinator.getNextPartition(listing(1)).orElseThrow().getPartitionKey();
            coordinator.closePartition(key, Duration.ofMillis(300), 5, false);
            assertTrue(coordinator.getNextPartition(m -> List.of()).isEmpty());
            Thread.sleep(400);
            final SourcePartition<Progress> reopened = coordinator.getNextPartition(m -> List.of()).orElseThrow();
            assertEquals(1L, reopened.getPartitionClosedCount());
            coordinator.giveUpPartition(key, java.time.Instant.now().plusMillis(300));
            assertTrue(coordinator.getNextPartition(m -> List.of()).isEmpty());
            Thread.sleep(400);
            assertEquals(key, coordinator.getNextPartition(m -> List.of()).orElseThrow().getPartitionKey());
        }
    }
}
