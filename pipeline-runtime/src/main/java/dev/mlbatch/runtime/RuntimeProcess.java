package dev.mlbatch.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The runtime ({@link Main} {@code run}) in a child JVM, as a user runs it with {@code mlbatch run}: its own working
 * directory (the ml_inference ledger lives there) and its output appended to a log file. The demo runs each pipeline
 * stage this way, and tests that must SIGKILL a runtime do too.
 */
public final class RuntimeProcess implements AutoCloseable {

    /** What {@link DataPrepperRuntime} logs once every pipeline is running. */
    private static final String STARTED_LINE = "Data Prepper runtime started";

    private final String name;
    private final Process process;
    private final Path log;
    private final String startedLine;

    /** Where this JVM's output starts in the log (a stage started again appends to the same log). */
    private final long logStart;

    private RuntimeProcess(final String name, final Process process, final Path log, final long logStart,
                           final String startedLine) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.logStart = logStart;
        this.startedLine = startedLine;
    }

    /**
     * Starts {@code pipeline} with the runtime config {@code config} in {@code workDir}, with at most {@code heap}
     * ({@code -Xmx} syntax); the JVM's output is appended to {@code <workDir>/<name>.log}. The class path's entries
     * must be absolute, since the JVM runs in {@code workDir}.
     */
    public static RuntimeProcess start(final String name, final Path pipeline, final Path config, final Path workDir,
                                       final String classpath, final String heap, final Map<String, String> env,
                                       final boolean exitWhenDone) throws IOException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-cp", classpath, Main.class.getName(), "run", pipeline.toAbsolutePath().toString(),
                "--config", config.toAbsolutePath().toString()));
        if (exitWhenDone) {
            command.add("--exit-when-done");
        }
        return launch(name, command, workDir, env, STARTED_LINE);
    }

    /**
     * Any pipeline JVM (e.g. a real Data Prepper, whose main class and class path differ) run the same way: in
     * {@code workDir}, output appended to {@code <workDir>/<name>.log}; {@link #awaitStarted} waits for
     * {@code startedLine} in that output.
     */
    public static RuntimeProcess launch(final String name, final List<String> command, final Path workDir,
                                        final Map<String, String> env, final String startedLine) throws IOException {
        Files.createDirectories(workDir);
        final Path log = workDir.resolve(name + ".log");
        final ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        final long logStart = Files.exists(log) ? Files.size(log) : 0;
        return new RuntimeProcess(name, builder.start(), log, logStart, startedLine);
    }

    /** The JVM's process id (e.g. to report it, or for tools that attach to it). */
    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the runtime has logged that its pipelines are started. */
    public void awaitStarted(final Duration timeout) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(startedLine)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it started; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not start within " + timeout + " (log: " + log + ")");
            }
            Thread.sleep(100);
        }
    }

    /** What this JVM has written so far (not what an earlier JVM of the same name left in the log). */
    public String output() throws IOException {
        final byte[] bytes = Files.readAllBytes(log);
        return new String(bytes, (int) logStart, bytes.length - (int) logStart, StandardCharsets.UTF_8);
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** Waits for the JVM to exit on its own; returns its exit code. */
    public int awaitExit(final Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " did not finish within " + timeout + " (log: " + log + ")");
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or acknowledged. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, as Ctrl-C or a service manager stops a pipeline: the runtime drains and shuts down. */
    public int stop(final Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
