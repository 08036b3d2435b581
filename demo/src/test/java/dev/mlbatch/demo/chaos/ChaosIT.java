package dev.mlbatch.demo.chaos;

import dev.mlbatch.stack.JvmClasspath;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.StackLauncher;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench chaos} on a small N: two runs (SageMaker, then Bedrock) of 600 records, each with stage 1, 2, 3, the
 * services JVM and OpenSearch SIGKILLed at seeded points and started again. It runs in a child JVM on a stack of
 * its own state folder under {@code target/} (its own free ports), so that the kills never touch the shared stack
 * the other tests reuse; that stack is stopped at the end whatever happened, so no stack is left behind.
 */
class ChaosIT {

    private static final Pattern LAST_LINE = Pattern.compile(
            "chaos: (\\d+) runs, (\\d+) kills, (\\d+) duplicate jobs, (\\d+) lost, (\\d+) duplicated docs, (\\d+) docs without their own vector");

    /**
     * A copy of the class path for the child JVM, which runs for minutes: a rebuild of a module's classes or an
     * install of its jar meanwhile (several builds share one checkout and one local Maven repository) would take
     * classes from under it.
     */
    private static String snapshot(final String classpath, final Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (var paths = Files.walk(folder)) {
                for (final Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(folder);
        final List<String> copies = new java.util.ArrayList<>();
        int n = 0;
        for (final String entry : classpath.split(java.io.File.pathSeparator)) {
            final Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            final Path copy = folder.resolve(String.format("%03d-%s", n++, source.getFileName()));
            if (Files.isDirectory(source)) {
                try (var paths = Files.walk(source)) {
                    for (final Path p : paths.toList()) {
                        final Path to = copy.resolve(source.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(p, to);
                        }
                    }
                }
            } else {
                Files.copy(source, copy);
            }
            copies.add(copy.toString());
        }
        return String.join(java.io.File.pathSeparator, copies);
    }

    @Test
    void killsAtRandomPointsCostNoJobNoRecordNoDocumentNoVector() throws Exception {
        final Path target = Path.of("target").toAbsolutePath();
        final StackHome home = new StackHome(target.resolve("chaos-it-home"));
        Files.createDirectories(home.root());
        // The OpenSearch zips the shared stack's build already copied; without them stack up fetches them itself.
        final Path sharedDownloads = StackHome.locate().downloads();
        if (Files.isDirectory(sharedDownloads) && !Files.exists(home.downloads(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(home.downloads(), sharedDownloads);
        }
        final Path output = target.resolve("chaos-it.log");
        final ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", snapshot(JvmClasspath.current(), target.resolve("chaos-it-classpath")), ChaosBenchmark.class.getName(), "--runs", "2", "--records", "600", "--seed", "15")
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("MLBATCH_HOME", home.root().toString());
        // Loaded now, for the finally below: an install of local-stack meanwhile in the shared local repository
        // replaced the jar under this JVM once, and the stop failed with NoClassDefFoundError.
        final StackLauncher launcher = new StackLauncher(home);
        assertEquals(List.of(), launcher.livePids(), "processes of an earlier chaos stack still running");
        final Process bench = builder.start();
        try {
            assertTrue(bench.waitFor(15, TimeUnit.MINUTES), "bench chaos did not end within 15 minutes; see " + output);
        } finally {
            bench.destroyForcibly().waitFor();
            launcher.down(System.out);
            assertEquals(List.of(), launcher.livePids(), "processes of the chaos stack left running");
        }
        final List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        lines.stream().filter(l -> l.startsWith("===") || l.startsWith("  ") || l.startsWith("run ") || l.startsWith("chaos"))
                .forEach(System.out::println);
        final String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        final Matcher counts = LAST_LINE.matcher(last);
        assertTrue(counts.matches(), "last line of bench chaos: " + last + "; see " + output);
        assertEquals("2", counts.group(1), "runs");
        assertTrue(Integer.parseInt(counts.group(2)) > 0, "no kill landed: " + last);
        assertEquals("0", counts.group(3), "duplicate provider jobs: " + last);
        assertEquals("0", counts.group(4), "lost records: " + last);
        assertEquals("0", counts.group(5), "duplicated documents: " + last);
        assertEquals("0", counts.group(6), "documents without their own vector: " + last);
        assertEquals(0, bench.exitValue(), "exit code of bench chaos; see " + output);
        assertTrue(lines.stream().filter(l -> l.matches("run \\d/2 (sagemaker|bedrock): .*")).count() == 2,
                "one result line per run; see " + output);
    }
}
