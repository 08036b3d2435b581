package dev.mlbatch.demo;

import dev.mlbatch.runtime.RuntimeProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How {@link EndToEndFlow} starts and stops the JVM of one stage. The default runs our local runtime; another
 * launcher runs the same rendered pipelines in a different Data Prepper (e.g. {@code mlbatch compat}).
 */
public interface StageLauncher {

    /**
     * Starts {@code pipeline} as stage {@code stage} in {@code workDir}; with {@code exitWhenDone}, the JVM should end
     * once its one-shot source is done, if {@link #exitsWhenDone()} says it can.
     */
    RuntimeProcess start(String stage, Path pipeline, Path workDir, boolean exitWhenDone) throws IOException;

    /**
     * Whether a stage started with {@code exitWhenDone} exits on its own when its source is done. When not (a real
     * Data Prepper runs until it is told to stop), the flow watches stage 1's output and stops it.
     */
    default boolean exitsWhenDone() {
        return true;
    }

    /** Stops a running stage gracefully, killing it after {@code timeout}; returns its exit code. */
    default int stop(final RuntimeProcess stage, final Duration timeout) throws InterruptedException {
        return stage.stop(timeout);
    }

    /**
     * Our runtime ({@code mlbatch run}) in a child JVM on {@code classpath}, with a durable file coordination store
     * per stage and a free metrics port, so that stages can run side by side and a restarted stage resumes.
     */
    static StageLauncher runtime(final String classpath, final String heap, final Map<String, String> env) {
        return (stage, pipeline, workDir, exitWhenDone) -> {
            Files.createDirectories(workDir);
            final Path config = workDir.resolve(stage + "-config.yaml");
            if (!Files.exists(config)) {
                Files.writeString(config, "serverPort: 0\nsource_coordination:\n  store:\n    file:\n      path: \""
                        + workDir.resolve(stage + "-coordination.jsonl") + "\"\n", StandardCharsets.UTF_8);
            }
            return RuntimeProcess.start(stage, pipeline, config, workDir, classpath, heap, env, exitWhenDone);
        };
    }
}
