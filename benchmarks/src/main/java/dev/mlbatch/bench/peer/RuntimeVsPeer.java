package dev.mlbatch.bench.peer;

import dev.mlbatch.bench.RuntimeBenchmark;
import dev.mlbatch.compat.CompatMain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code bench runtime --peer DATA_PREPPER_HOME [--rounds N] [events]}: 1,000,000 small events (default) through
 * file → copy_values → delete_entries → file, the same pipeline file in our runtime and in the real Data Prepper
 * (upstream's file source and sink, mutate processors). Last line {@code runtime-vs-peer: <ours ÷ theirs>}.
 */
public final class RuntimeVsPeer {
    private static final double TARGET = 1.6;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RuntimeVsPeer() {
    }

    public static void main(final String[] args) throws Exception {
        final SideBySide sides = SideBySide.parse("runtime", args, System.out);
        final int events = Integer.parseInt(sides.arg(0, "1000000"));
        final Path work = Files.createTempDirectory("mlbatch-bench-runtime-peer");
        try {
            final Path input = work.resolve("input.jsonl");
            final Path output = work.resolve("output.jsonl");
            RuntimeBenchmark.writeInput(input, events);
            final Path pipeline = work.resolve("pipeline.yaml");
            Files.writeString(pipeline, RuntimeBenchmark.pipelineYaml(input, output));
            System.out.printf(Locale.ROOT, "runtime --peer: %,d events, %,d bytes, file -> copy_values -> delete_entries -> file; peer %s%n",
                    events, Files.size(input), sides.peerHome());
            final double ratio = sides.compare(pipeline, work, Map.of("MLBATCH_LOG_LEVEL", "WARN"), new SideBySide.Workload() {
                @Override
                public LongSupplier reset() throws IOException {
                    Files.deleteIfExists(output);
                    return new OutputLines(output);
                }

                /** Both sides must do the same work: a fast side that skipped the processors would prove nothing. */
                @Override
                public void after(final String who) throws IOException {
                    final JsonNode first;
                    try (BufferedReader lines = Files.newBufferedReader(output)) {
                        first = JSON.readTree(lines.readLine());
                    }
                    if (!first.has("n") || first.has("drop") || first.has("meta")) {
                        throw new IllegalStateException(who + " wrote " + first + ": expected n copied from meta.n, drop and meta deleted");
                    }
                }
            }, events, Duration.ofMinutes(10));
            System.out.printf(Locale.ROOT, "runtime-vs-peer: %.2f (ours / Data Prepper events/s; target >= %.1f)%n", ratio, TARGET);
            CompatMain.deleteTree(work);
        } catch (final Exception e) {
            System.err.println("bench failed; its pipelines, logs and data are kept in " + work);
            throw e;
        }
    }
}
