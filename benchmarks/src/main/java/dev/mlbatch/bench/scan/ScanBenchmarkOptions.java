package dev.mlbatch.bench.scan;

import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of {@code bench scan}: {@code [--objects N] [--big-mb M] [--source-workers W]} (also as
 * {@code --name=value}), or the older positional form {@code [objects] [bigMb] [sourceWorkers]}. {@code --big-mb 0}
 * skips the big-object phase.
 */
record ScanBenchmarkOptions(int objects, int bigMb, int sourceWorkers) {
    static final int DEFAULT_OBJECTS = 100_000;
    static final int DEFAULT_BIG_MB = 1024;
    static final int DEFAULT_SOURCE_WORKERS = 2;
    static final String USAGE = "usage: bench scan [--objects N] [--big-mb M (0: no big object)] [--source-workers W]"
            + "   (or positionally: [objects] [bigMb] [sourceWorkers])";

    ScanBenchmarkOptions {
        if (objects < 1 || objects > SyntheticBucket.MAX_OBJECTS) {
            throw new IllegalArgumentException("--objects must be 1 to " + SyntheticBucket.MAX_OBJECTS + ", not " + objects);
        }
        if (bigMb < 0) {
            throw new IllegalArgumentException("--big-mb must be 0 (no big object) or more, not " + bigMb);
        }
        if (sourceWorkers < 1 || sourceWorkers > 1000) {
            throw new IllegalArgumentException("--source-workers must be 1 to 1000 (the s3 source's range), not " + sourceWorkers);
        }
    }

    boolean bigObject() {
        return bigMb > 0;
    }

    /** @throws IllegalArgumentException naming the argument that is wrong */
    static ScanBenchmarkOptions parse(final String... args) {
        Integer objects = null;
        Integer bigMb = null;
        Integer workers = null;
        final List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            final String arg = args[i];
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            final int equals = arg.indexOf('=');
            final String name = equals < 0 ? arg : arg.substring(0, equals);
            final String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(name + " needs a value");
            }
            switch (name) {
                case "--objects" -> objects = number(name, value);
                case "--big-mb" -> bigMb = number(name, value);
                case "--source-workers" -> workers = number(name, value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        final String[] names = {"objects", "bigMb", "sourceWorkers"};
        if (positional.size() > names.length) {
            throw new IllegalArgumentException("too many arguments: " + String.join(" ", positional));
        }
        final Integer[] fromPositions = new Integer[names.length];
        for (int i = 0; i < positional.size(); i++) {
            fromPositions[i] = number(names[i], positional.get(i));
        }
        return new ScanBenchmarkOptions(
                pick("--objects", objects, fromPositions[0], DEFAULT_OBJECTS),
                pick("--big-mb", bigMb, fromPositions[1], DEFAULT_BIG_MB),
                pick("--source-workers", workers, fromPositions[2], DEFAULT_SOURCE_WORKERS));
    }

    private static int pick(final String name, final Integer option, final Integer positional, final int fallback) {
        if (option != null && positional != null) {
            throw new IllegalArgumentException(name + " is given twice (as an option and by position)");
        }
        return option != null ? option : positional != null ? positional : fallback;
    }

    private static int number(final String name, final String value) {
        try {
            return Integer.parseInt(value.replace("_", "").replace(",", ""));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
        }
    }
}
