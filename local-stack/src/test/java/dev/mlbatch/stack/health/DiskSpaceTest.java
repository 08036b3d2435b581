package dev.mlbatch.stack.health;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Free space against the 2 GiB warning and OpenSearch's 95% flood stage. */
class DiskSpaceTest {

    private static final long GIB = 1L << 30;
    private static final Path HOME = Path.of("/work/main/.mlbatch");

    @Test
    void plentyFreeIsHealthy() {
        PartHealth part = DiskSpace.of(HOME, 40 * GIB, 100 * GIB);
        assertEquals(Verdict.OK, part.verdict());
        assertEquals("40.0 GiB free of 100.0 GiB (60% used) on the file system of /work/main/.mlbatch", part.summary());
        assertTrue(part.details().isEmpty());
    }

    @Test
    void underTwoGibFreeWarnsBeforeTheFloodStage() {
        PartHealth part = DiskSpace.of(HOME, GIB + GIB / 2, 10 * GIB);
        assertEquals(Verdict.WARN, part.verdict(), "85% used, 1.5 GiB free");
        assertTrue(part.details().get(0).startsWith("less than 2.0 GiB free"), part.details().toString());
        assertEquals(Verdict.OK, DiskSpace.of(HOME, 2 * GIB, 10 * GIB).verdict(), "2 GiB is enough");
    }

    @Test
    void atOrAboveNinetyFivePercentUsedFails() {
        assertEquals(Verdict.FAIL, DiskSpace.of(HOME, 5 * GIB, 100 * GIB).verdict(), "exactly 95% used");
        PartHealth part = DiskSpace.of(HOME, 30 * GIB, 1000 * GIB);
        assertEquals(Verdict.FAIL, part.verdict(), "97% used, though 30 GiB are free");
        assertTrue(part.details().get(1).contains("./mlbatch stack reset"), part.details().toString());
        assertEquals(Verdict.OK, DiskSpace.of(HOME, 51 * GIB, 1000 * GIB).verdict(), "94.9% used");
    }

    @Test
    void aHomeThatDoesNotExistYetIsMeasuredOnItsNearestExistingFolder(@TempDir Path dir) {
        PartHealth part = DiskSpace.read(dir.resolve("not/yet"));
        assertNotNull(part.verdict());
        assertTrue(part.summary().contains(" free of "), part.summary());
    }
}
