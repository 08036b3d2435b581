package dev.mlbatch.bench.peer;

import dev.mlbatch.compat.DataPrepperHome;
import dev.mlbatch.compat.DataPrepperLauncher;
import dev.mlbatch.compat.Deployment;
import dev.mlbatch.demo.StageLauncher;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * {@code bench NAME --peer DATA_PREPPER_HOME [--rounds N] [args]}: the same pipeline in our runtime and in a real
 * Data Prepper, one after the other in one run, in the order ours, theirs, theirs, ours, … (so drift in the
 * machine's load hits both), each JVM with the same heap and watched by the same probe. The figure is ours ÷
 * theirs of the items per second summed over the rounds.
 */
final class SideBySide {
    static final String OURS = "ours";
    static final String THEIRS = "data-prepper";
    private static final String HEAP = "512m";

    private final Path peerHome;
    private final int rounds;
    private final List<String> rest;
    private final PrintStream out;

    private SideBySide(final Path peerHome, final int rounds, final List<String> rest, final PrintStream out) {
        this.peerHome = peerHome;
        this.rounds = rounds;
        this.rest = rest;
        this.out = out;
    }

    /** What each side's JVM is started with, and how the probe is made fresh and the target emptied before a run. */
    interface Workload {
        /** Empties what the previous run wrote (output file, index) and returns a probe that counts from zero. */
        LongSupplier reset() throws IOException;

        /** Called after each run with who ran, e.g. to read what the run cost at a server. */
        default void after(final String who) throws IOException, InterruptedException {
        }
    }

    static SideBySide parse(final String name, final String[] args, final PrintStream out) {
        Path home = null;
        int rounds = 2;
        final List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--peer" -> home = Path.of(value(args, ++i, "--peer")).toAbsolutePath().normalize();
                case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, "--rounds"));
                default -> rest.add(args[i]);
            }
        }
        if (home == null) {
            throw new IllegalArgumentException("bench " + name + " --peer DATA_PREPPER_HOME: the Data Prepper folder is missing");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1");
        }
        DataPrepperHome.inspect(home).requireApi();
        if (Files.exists(home.resolve(Deployment.MANIFEST))) {
            throw new IllegalArgumentException(home + " has our plugins deployed (" + Deployment.MANIFEST + "): the peer "
                    + "must run upstream's own plugins; 'mlbatch deploy --undo " + home + "' restores it");
        }
        return new SideBySide(home, rounds, rest, out);
    }

    /** The positional arguments (after {@code --peer} and {@code --rounds} are taken out), or {@code fallback}. */
    String arg(final int index, final String fallback) {
        return index < rest.size() ? rest.get(index) : fallback;
    }

    Path peerHome() {
        return peerHome;
    }

    /**
     * Runs {@code pipeline} on both sides {@link #rounds} times each until the probe counts {@code target}; prints
     * each run and both totals; returns ours ÷ theirs.
     */
    double compare(final Path pipeline, final Path work, final Map<String, String> env, final Workload workload,
                   final long target, final Duration timeout) throws IOException, InterruptedException {
        final StageLauncher ours = StageLauncher.runtime(absoluteClasspath(), HEAP, env);
        final StageLauncher theirs = new DataPrepperLauncher(peerHome, env, HEAP, out);
        final PeerRun.Total oursTotal = new PeerRun.Total(OURS);
        final PeerRun.Total theirsTotal = new PeerRun.Total(THEIRS);
        for (int round = 0; round < rounds; round++) {
            final boolean oursFirst = round % 2 == 0;
            for (final boolean runOurs : oursFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                final String who = runOurs ? OURS : THEIRS;
                final PeerRun run = PeerRun.measure(who, runOurs ? ours : theirs, pipeline,
                        work.resolve(who + "-" + round), workload.reset(), target, timeout, out);
                (runOurs ? oursTotal : theirsTotal).add(run);
                workload.after(who);
            }
        }
        out.printf(Locale.ROOT, "%s: %,.0f items/s over %d runs; %s (%s): %,.0f items/s over %d runs; same heap (-Xmx%s)%n",
                OURS, oursTotal.rate(), rounds, THEIRS, DataPrepperHome.inspect(peerHome).apiVersion(), theirsTotal.rate(),
                rounds, HEAP);
        return oursTotal.rate() / theirsTotal.rate();
    }

    /** This JVM's class path with absolute entries: the child JVM runs in another directory. */
    private static String absoluteClasspath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
    }

    private static String value(final String[] args, final int i, final String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
