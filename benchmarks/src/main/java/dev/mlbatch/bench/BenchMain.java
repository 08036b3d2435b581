package dev.mlbatch.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code mlbatch bench NAME}: runs one benchmark. Each lives next to what it measures (its module owns its
 * setup); this only dispatches by name, so the list below is the whole catalogue.
 */
public final class BenchMain {
    private static final Map<String, String> BENCHMARKS = new LinkedHashMap<>();
    /** {@code NAME --peer DATA_PREPPER_HOME}: the same workload side by side with a real Data Prepper. */
    private static final Map<String, String> PEER_BENCHMARKS = new LinkedHashMap<>();

    static {
        BENCHMARKS.put("runtime", "dev.mlbatch.bench.RuntimeBenchmark");
        BENCHMARKS.put("expression", "dev.mlbatch.bench.expression.ExpressionBenchmark");
        BENCHMARKS.put("scan", "dev.mlbatch.bench.scan.ScanBenchmark");
        BENCHMARKS.put("jobs", "dev.mlbatch.bench.jobs.JobsBenchmark");
        BENCHMARKS.put("ledger", "dev.mlbatch.bench.ledger.LedgerBenchmark");
        BENCHMARKS.put("model", "dev.mlbatch.stack.bench.ModelBenchmark");
        BENCHMARKS.put("sink", "dev.mlbatch.bench.sink.SinkBenchmark");
        BENCHMARKS.put("e2e", "dev.mlbatch.demo.bench.EndToEndBenchmark");
        BENCHMARKS.put("quality", "dev.mlbatch.demo.quality.QualityBenchmark");
        PEER_BENCHMARKS.put("runtime", "dev.mlbatch.bench.peer.RuntimeVsPeer");
        PEER_BENCHMARKS.put("scan", "dev.mlbatch.bench.peer.ScanVsPeer");
        PEER_BENCHMARKS.put("sink", "dev.mlbatch.bench.peer.SinkVsPeer");
    }

    private BenchMain() {
    }

    public static void main(final String[] args) throws Throwable {
        if (args.length == 0 || !BENCHMARKS.containsKey(args[0])) {
            System.err.println("usage: mlbatch bench NAME   (NAME: " + String.join(", ", BENCHMARKS.keySet()) + ")");
            System.exit(64);
        }
        final boolean peer = Arrays.asList(args).contains("--peer");
        if (peer && !PEER_BENCHMARKS.containsKey(args[0])) {
            System.err.println("bench " + args[0] + " has no --peer variant (those with one: "
                    + String.join(", ", PEER_BENCHMARKS.keySet()) + ")");
            System.exit(64);
        }
        final String className = (peer ? PEER_BENCHMARKS : BENCHMARKS).get(args[0]);
        final Class<?> benchmark;
        try {
            benchmark = Class.forName(className);
        } catch (final ClassNotFoundException e) {
            System.err.println("benchmark '" + args[0] + "' is not part of this build (" + className + ")");
            System.exit(1);
            return;
        }
        final Method main = benchmark.getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (final InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException usage) {
                System.err.println("mlbatch bench " + args[0] + ": " + usage.getMessage());
                System.exit(64);
            }
            throw e.getCause();
        }
    }
}
