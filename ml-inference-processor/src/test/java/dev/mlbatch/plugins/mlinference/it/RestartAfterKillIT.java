package dev.mlbatch.plugins.mlinference.it;

import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import dev.mlbatch.stack.model.ModelServiceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL between job creation and acknowledgement: a child JVM runs the processor, is killed right after
 * some jobs were created (their events still held, so unacknowledged), and a new process gets the same
 * events again, as the source redelivers them. The provider must have received exactly one job per input.
 */
@ExtendWith(LocalStackExtension.class)
class RestartAfterKillIT {
    private static final int OBJECTS = 6;

    @TempDir
    Path dir;
    private StackRun run;

    @BeforeEach
    void start(final LocalStack stack) {
        // Slow state changes so the kill lands while jobs run.
        stack.configureModelService(new ModelServiceConfig(1, 1500L, null, null));
        run = new StackRun(stack, dir.resolve("state"));
    }

    @AfterEach
    void stop() {
        run.stack.resetModelService();
        run.close();
    }

    @Test
    void killedAfterJobCreationTheRestartCreatesNoSecondJob() throws Exception {
        final Path events = inputs();
        final Path config = config(dir.resolve("state"));
        killAfterJobsCreated(config, events, 3);
        final List<String> done = runToEnd(config, events);
        assertTrue(lastRun.stream().anyMatch(l -> l.contains("Resuming") && l.contains("unfinished job(s) from the ledger")), "resumed from the ledger");
        assertProviderHasExactlyOneJobPerObject(done);
    }

    @Test
    void evenWithTheLedgerLostTheRestartCreatesNoSecondJob() throws Exception {
        final Path events = inputs();
        killAfterJobsCreated(config(dir.resolve("state-1")), events, 3);
        // A new machine: no ledger. Job names are deterministic, the provider refuses a second job with
        // the same name, and the processor finds the existing task by name.
        final List<String> done = runToEnd(config(dir.resolve("state-2")), events);
        assertTrue(lastRun.stream().anyMatch(l -> l.contains("already exists at the provider") || l.contains("was created before")),
                "the second run met the jobs of the first by name");
        assertProviderHasExactlyOneJobPerObject(done);
    }

    private Path inputs() throws Exception {
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < OBJECTS; i++) {
            final String key = run.putBedrockInput("r-" + i + ".jsonl", 100);
            final HeadObjectResponse head = run.s3.headObject(r -> r.bucket(run.bucket()).key(key));
            lines.add(run.bucket() + " " + key + " " + head.lastModified().getEpochSecond() + " " + head.contentLength());
        }
        return Files.write(dir.resolve("events-" + System.nanoTime() + ".txt"), lines);
    }

    private Path config(final Path stateDir) throws IOException {
        final String yaml = run.baseYaml("bedrock", run.stack.bedrockBatchModelId()).replace(dir.resolve("state").toString(), stateDir.toString())
                + "track_jobs: true\njob_poll_interval: 300ms\n";
        return Files.writeString(dir.resolve("processor-" + System.nanoTime() + ".yaml"), yaml);
    }

    private void killAfterJobsCreated(final Path config, final Path events, final int jobs) throws Exception {
        final Process child = start(config, events);
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final Thread reader = pump(child, lines);
        assertTrue(waitFor(lines, l -> l.stream().filter(s -> s.contains("created: task")).count() >= jobs, Duration.ofMinutes(2)),
                "jobs created before the kill; output:\n" + String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(s -> s.startsWith("DONE")), "nothing acknowledged before the kill");
        child.destroyForcibly(); // SIGKILL on Linux
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        reader.join(5000);
        echo("before the kill", lines);
    }

    private List<String> lastRun = List.of();

    private List<String> runToEnd(final Path config, final Path events) throws Exception {
        final Process child = start(config, events);
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        lastRun = lines;
        final Thread reader = pump(child, lines);
        assertTrue(waitFor(lines, l -> l.contains("ALL-DONE"), Duration.ofMinutes(5)), "restart finished; output:\n" + String.join("\n", lines));
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        reader.join(5000);
        echo("after restart", lines);
        final List<String> done = lines.stream().filter(s -> s.startsWith("DONE ")).toList();
        assertEquals(OBJECTS, done.size(), String.join("\n", lines));
        assertTrue(done.stream().allMatch(s -> s.contains(" COMPLETED ")), String.join("\n", done));
        return done;
    }

    private void assertProviderHasExactlyOneJobPerObject(final List<String> done) throws Exception {
        final Set<String> names = new HashSet<>();
        int providerJobs = 0;
        for (final String line : done) {
            final String jobName = line.split(" ")[2];
            assertTrue(names.add(jobName), "one job per object: " + jobName);
            providerJobs += run.providerJobsNamed("bedrock", jobName.substring(0, jobName.lastIndexOf("-a")));
        }
        assertEquals(OBJECTS, providerJobs, "jobs received by the model service == input objects");
    }

    private Process start(final Path config, final Path events) throws IOException {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ProcessorProcessMain.class.getName(), config.toString(), events.toString())
                .directory(new File(System.getProperty("user.dir")))
                .redirectErrorStream(true).start();
    }

    /** The child's job lines, for the test report. */
    private static void echo(final String phase, final List<String> lines) {
        synchronized (lines) {
            lines.stream().filter(l -> l.contains("created: task") || l.contains("already exists") || l.contains("created before")
                    || l.contains("Resuming") || l.startsWith("DONE")).forEach(l -> System.out.println("[" + phase + "] " + l));
        }
    }

    private static Thread pump(final Process child, final List<String> lines) {
        final Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (final IOException ignored) {
                // the child was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    private static boolean waitFor(final List<String> lines, final Predicate<List<String>> condition, final Duration timeout)
            throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                if (condition.test(new ArrayList<>(lines))) {
                    return true;
                }
            }
            Thread.sleep(50);
        }
        return false;
    }
}
