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

    static {
        BENCHMARKS.put("runtime", "dev.mlbatch.bench.RuntimeBenchmark");
        BENCHMARKS.put("expression", "dev.mlbatch.expression.bench.ExpressionBenchmark");
        BENCHMARKS.put("scan", "dev.mlbatch.bench.scan.ScanBenchmark");
        BENCHMARKS.put("jobs", "dev.mlbatch.bench.jobs.JobsBenchmark");
        BENCHMARKS.put("model", "dev.mlbatch.stack.bench.ModelBenchmark");
        BENCHMARKS.put("sink", "dev.mlbatch.plugins.sink.opensearch.bench.SinkBenchmark");
        BENCHMARKS.put("e2e", "dev.mlbatch.demo.bench.EndToEndBenchmark");
    }

    private BenchMain() {
    }

    public static void main(final String[] args) throws Throwable {
        if (args.length == 0 || !BENCHMARKS.containsKey(args[0])) {
            System.err.println("usage: mlbatch bench NAME   (NAME: " + String.join(", ", BENCHMARKS.keySet()) + ")");
            System.exit(64);
        }
        final Class<?> benchmark;
        try {
            benchmark = Class.forName(BENCHMARKS.get(args[0]));
        } catch (final ClassNotFoundException e) {
            System.err.println("benchmark '" + args[0] + "' is not part of this build (" + BENCHMARKS.get(args[0]) + ")");
            System.exit(1);
            return;
        }
        final Method main = benchmark.getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (final InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
