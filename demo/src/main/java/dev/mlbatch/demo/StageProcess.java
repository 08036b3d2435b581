package dev.mlbatch.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One pipeline stage running in its own runtime JVM ({@code dev.mlbatch.runtime.Main run}), as a user runs it with
 * {@code mlbatch run}: its own working directory (the ml_inference ledger lives there), a durable source-coordination
 * store, and its output in a log file.
 */
public final class StageProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private StageProcess(final String name, final Process process, final Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code pipeline} with the runtime config {@code config} in {@code workDir}; the JVM's output is appended
     * to {@code <workDir>/<name>.log}. The class path's entries must be absolute, as {@code JvmClasspath.current()}
     * gives them, since the stage runs in {@code workDir}.
     */
    public static StageProcess start(final String name, final Path pipeline, final Path config, final Path workDir,
                                     final String classpath, final Map<String, String> env, final boolean exitWhenDone)
            throws IOException {
        Files.createDirectories(workDir);
        final Path log = workDir.resolve(name + ".log");
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + System.getenv().getOrDefault("MLBATCH_STAGE_HEAP", "768m"),
                "-cp", classpath, "dev.mlbatch.runtime.Main", "run", pipeline.toAbsolutePath().toString(),
                "--config", config.toAbsolutePath().toString()));
        if (exitWhenDone) {
            command.add("--exit-when-done");
        }
        final ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        return new StageProcess(name, builder.start(), log);
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
