package dev.mlbatch.bench.sink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Arguments of the sink benchmark: {@code --url}, {@code --docs}, {@code --bulk-size-mib}, {@code --batch}, {@code --rounds}. The URL
 * defaults to {@code MLBATCH_OPENSEARCH_URL}, or the one in {@code $MLBATCH_HOME/stack.env} (or {@code .mlbatch/stack.env})
 * that {@code ./mlbatch stack up} writes.
 */
record BenchmarkSettings(String url, int documents, int bulkSizeMib, int batchSize, int rounds, int dimension) {
    static BenchmarkSettings parse(final String[] args) throws IOException {
        final Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: SinkBenchmark [--url URL] [--docs N] [--bulk-size-mib M] [--batch B] [--rounds R]");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        String url = options.get("url");
        if (url == null) {
            url = System.getenv("MLBATCH_OPENSEARCH_URL");
        }
        if (url == null) {
            url = fromStackEnv();
        }
        if (url == null) {
            throw new IllegalArgumentException("no OpenSearch URL: pass --url, set MLBATCH_OPENSEARCH_URL, or run ./mlbatch stack up");
        }
        return new BenchmarkSettings(url, Integer.parseInt(options.getOrDefault("docs", "100000")),
                Integer.parseInt(options.getOrDefault("bulk-size-mib", "5")),
                Integer.parseInt(options.getOrDefault("batch", "200")),
                Integer.parseInt(options.getOrDefault("rounds", "4")), 384);
    }

    private static String fromStackEnv() throws IOException {
        final String home = System.getenv("MLBATCH_HOME");
        final Path env = (home != null ? Path.of(home) : Path.of(".mlbatch")).resolve("stack.env");
        if (!Files.exists(env)) {
            return null;
        }
        for (final String line : Files.readAllLines(env)) {
            if (line.startsWith("MLBATCH_OPENSEARCH_URL=")) {
                return line.substring("MLBATCH_OPENSEARCH_URL=".length()).trim();
            }
        }
        return null;
    }
}
