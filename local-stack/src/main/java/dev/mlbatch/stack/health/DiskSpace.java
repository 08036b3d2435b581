package dev.mlbatch.stack.health;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Free space on the stack home's file system. The local node switches OpenSearch's disk watermarks off (a developer
 * disk is often fuller than they allow), so nothing stops it from filling the disk: at the flood-stage watermark's
 * 95% used a real cluster makes every index read-only, and here that is where writes start to fail.
 */
public final class DiskSpace {

    public static final String PART = "disk";
    public static final long LOW_FREE_BYTES = 2L << 30;
    /** OpenSearch's default {@code cluster.routing.allocation.disk.watermark.flood_stage}, in percent used. */
    public static final int FLOOD_STAGE_PERCENT = 95;

    private DiskSpace() {
    }

    public static PartHealth read(Path home) {
        try {
            Path existing = home;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            FileStore store = Files.getFileStore(existing == null ? home.getRoot() : existing);
            return of(home, store.getUsableSpace(), store.getTotalSpace());
        } catch (IOException e) {
            return PartHealth.of(PART, Verdict.WARN, "cannot read the free space of " + home + ": " + e.getMessage(), List.of());
        }
    }

    /** The verdict for {@code usable} of {@code total} bytes free on the file system holding {@code home}. */
    public static PartHealth of(Path home, long usable, long total) {
        double used = total <= 0 ? 0 : 1.0 - (double) usable / total;
        String summary = String.format(Locale.ROOT, "%s free of %s (%.0f%% used) on the file system of %s",
                gib(usable), gib(total), used * 100, home);
        // In whole bytes: 95% of 100 GiB used is at the flood stage, not just below it by a rounding error.
        if (total > 0 && (total - usable) * 100 >= FLOOD_STAGE_PERCENT * total) {
            return PartHealth.of(PART, Verdict.FAIL, summary, List.of(
                    "at OpenSearch's flood stage (95% used) indexing and S3 uploads start to fail",
                    "do: free space there; ./mlbatch stack reset deletes this stack's own state (indices, S3 objects)"));
        }
        if (usable < LOW_FREE_BYTES) {
            return PartHealth.of(PART, Verdict.WARN, summary, List.of(
                    "less than " + gib(LOW_FREE_BYTES) + " free: a batch run writes its inputs, outputs and index there",
                    "do: free space there; ./mlbatch stack reset deletes this stack's own state (indices, S3 objects)"));
        }
        return PartHealth.ok(PART, summary);
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
