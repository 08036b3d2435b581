package dev.mlbatch.bench;

import dev.mlbatch.runtime.DataPrepperRuntime;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code bench runtime}: 1,000,000 small events through file → copy_values → delete_entries → file, in a child
 * JVM with a 512 MB heap. Prints events/s measured from runtime start to "every source finished and drained".
 */
public final class RuntimeBenchmark {
    private static final int DEFAULT_EVENTS = 1_000_000;
    private static final long TARGET_EVENTS_PER_SECOND = 200_000;

    private RuntimeBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            runChild(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
            return;
        }
        final int events = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_EVENTS;
        final Path dir = Files.createTempDirectory("mlbatch-bench-runtime");
        try {
            final Path input = dir.resolve("input.jsonl");
            writeInput(input, events);
            final Path output = dir.resolve("output.jsonl");
            final Path pipeline = dir.resolve("pipeline.yaml");
            Files.writeString(pipeline, pipelineYaml(input, output));
            System.out.printf("input: %,d events, %,d bytes%n", events, Files.size(input));

            final List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                    "-DMLBATCH_LOG_LEVEL=WARN", "-cp", System.getProperty("java.class.path"),
                    RuntimeBenchmark.class.getName(), "--child", pipeline.toString(), output.toString(), String.valueOf(events)));
            final Process child = new ProcessBuilder(command).inheritIO().start();
            final int exit = child.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("benchmark child JVM exited with " + exit);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void runChild(final Path pipeline, final Path output, final int events) throws Exception {
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipeline).envFile(null).build();
        final long start = System.nanoTime();
        runtime.start();
        if (!runtime.awaitFinished(Duration.ofMinutes(20))) {
            throw new IllegalStateException("the pipeline did not finish");
        }
        final long elapsedNanos = System.nanoTime() - start;
        runtime.shutdown();
        final long written;
        try (Stream<String> lines = Files.lines(output)) {
            written = lines.count();
        }
        if (written != events) {
            throw new IllegalStateException("expected " + events + " output events, found " + written);
        }
        final Runtime jvm = Runtime.getRuntime();
        final double seconds = elapsedNanos / 1e9;
        final long rate = Math.round(events / seconds);
        System.out.printf("events: %,d in %.2f s (max heap %d MB, heap in use at end %d MB)%n", events, seconds,
                jvm.maxMemory() / (1024 * 1024), (jvm.totalMemory() - jvm.freeMemory()) / (1024 * 1024));
        System.out.printf("runtime: %d events/s (target >= %d)%n", rate, TARGET_EVENTS_PER_SECOND);
    }

    /** The benchmark's input, also used by {@code runtime --peer}: {@code events} small JSON lines. */
    public static void writeInput(final Path input, final int events) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(input)) {
            for (int n = 0; n < events; n++) {
                out.write("{\"id\":\"doc-" + n + "\",\"text\":\"short text number " + n
                        + "\",\"meta\":{\"source\":\"bench\",\"n\":" + n + "},\"drop\":\"x\"}");
                out.newLine();
            }
        }
    }

    /** The benchmark's pipeline; upstream Data Prepper runs it unchanged ({@code runtime --peer}). */
    public static String pipelineYaml(final Path input, final Path output) {
        return """
                bench:
                  workers: 2
                  delay: 5
                  source:
                    file:
                      path: "%s"
                      format: json
                      record_type: event
                  buffer:
                    bounded_blocking:
                      buffer_size: 32000
                      batch_size: 4000
                  processor:
                    - copy_values:
                        entries:
                          - from_key: /meta/n
                            to_key: n
                    - delete_entries:
                        with_keys: [drop, meta]
                  sink:
                    - file:
                        path: "%s"
                """.formatted(input, output);
    }
}
