package dev.mlbatch.stack.health;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.mlbatch.stack.health.ClusterDiagnosisTest.filterExplanation;
import static dev.mlbatch.stack.health.ClusterDiagnosisTest.health;
import static dev.mlbatch.stack.health.ClusterDiagnosisTest.json;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A wait gives up on a red cluster only after it has stayed red, refused by the allocator, for the whole confirmation time. */
class RedClusterWatchTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void givesUpOnlyAfterTheClusterStayedRedForTheConfirmationTime() throws Exception {
        ClusterDiagnosis stuck = stuck();
        ClusterDiagnosis recovering = ClusterDiagnosis.of("http://x", health("red", 1, 1),
                json("[{\"index\":\"red-on-purpose\"}]"),
                json("[{\"index\":\"red-on-purpose\",\"shard\":\"0\",\"prirep\":\"p\",\"state\":\"UNASSIGNED\"}]"),
                Map.of("red-on-purpose", filterExplanation("red-on-purpose")));
        RedClusterWatch watch = new RedClusterWatch(Duration.ofSeconds(10));

        assertFalse(watch.givesUp(stuck, 100 * SECOND));
        assertFalse(watch.givesUp(stuck, 109 * SECOND));
        assertFalse(watch.givesUp(recovering, 110 * SECOND), "a shard initializing breaks the streak");
        assertFalse(watch.givesUp(stuck, 111 * SECOND));
        assertFalse(watch.givesUp(stuck, 120 * SECOND));
        assertTrue(watch.givesUp(stuck, 121 * SECOND), "10 s stuck since 111 s");

        watch.reset();
        assertFalse(watch.givesUp(stuck, 122 * SECOND), "a reset (no answer) starts over");
        assertFalse(watch.givesUp(ClusterDiagnosis.of("http://x", health("yellow", 3, 0), null, null, Map.of()), 140 * SECOND));
        assertFalse(watch.givesUp(stuck, 141 * SECOND));
    }

    static ClusterDiagnosis stuck() throws Exception {
        return ClusterDiagnosis.of("http://x", health("red", 1, 0), json("[{\"index\":\"red-on-purpose\"}]"),
                json("[{\"index\":\"red-on-purpose\",\"shard\":\"0\",\"prirep\":\"p\",\"state\":\"UNASSIGNED\"}]"),
                Map.of("red-on-purpose", filterExplanation("red-on-purpose")));
    }
}
