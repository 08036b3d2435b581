package dev.mlbatch.bench.peer;

import dev.mlbatch.demo.StageLauncher;
import dev.mlbatch.runtime.RuntimeProcess;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One side of a side-by-side run: a pipeline started in a JVM by a {@link StageLauncher} (ours or a real Data
 * Prepper), watched from outside through the same probe for both sides (lines in an output file, documents in an
 * index) until it has produced {@code target} items, then stopped. The rate counts from the first item the probe saw
 * to the last, so that the two JVMs' different start-up times do not enter the ratio; start-up is printed apart.
 */
record PeerRun(String who, long items, double startupSeconds, double seconds) {

    /** Items per second between the first and the last item the probe saw. */
    double rate() {
        return items / seconds;
    }

    static PeerRun measure(final String who, final StageLauncher launcher, final Path pipeline, final Path workDir,
                           final LongSupplier probe, final long target, final Duration timeout, final PrintStream out)
            throws IOException, InterruptedException {
        final long launched = System.nanoTime();
        final RuntimeProcess process = launcher.start(who, pipeline, workDir, false);
        try {
            final long deadline = launched + timeout.toNanos();
            long firstAt = 0;
            long firstCount = 0;
            while (true) {
                final long count = probe.getAsLong();
                final long now = System.nanoTime();
                if (count > 0 && firstAt == 0) {
                    firstAt = now;
                    firstCount = count;
                }
                if (count >= target) {
                    final PeerRun run = new PeerRun(who, count - firstCount, (firstAt - launched) / 1e9,
                            Math.max(1, now - firstAt) / 1e9);
                    out.printf(Locale.ROOT, "  %-8s %,d items in %.2f s after the first (%,.0f/s); first item %.1f s after launch%n",
                            who, run.items(), run.seconds(), run.rate(), run.startupSeconds());
                    return run;
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException(who + " exited with " + process.exitValue() + " after " + count
                            + " of " + target + " items; see " + process.log());
                }
                if (now > deadline) {
                    throw new IllegalStateException(who + " produced " + count + " of " + target + " items within "
                            + timeout + "; see " + process.log());
                }
                Thread.sleep(10);
            }
        } finally {
            launcher.stop(process, Duration.ofSeconds(10));
        }
    }

    /** The runs of one side added up: items over seconds of all of them. */
    static final class Total {
        private final String who;
        private long items;
        private double seconds;

        Total(final String who) {
            this.who = who;
        }

        void add(final PeerRun run) {
            if (!run.who().equals(who)) {
                throw new IllegalArgumentException(run.who() + "'s run added to " + who + "'s total");
            }
            items += run.items();
            seconds += run.seconds();
        }

        double rate() {
            return items / seconds;
        }
    }
}
