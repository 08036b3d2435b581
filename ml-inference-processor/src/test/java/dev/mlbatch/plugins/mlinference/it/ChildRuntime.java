package dev.mlbatch.plugins.mlinference.it;

import dev.mlbatch.runtime.RuntimeProcess;
import dev.mlbatch.stack.StackHome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The real runtime in a child JVM, as the restart tests kill and start it again, and the lines its file sinks wrote. */
final class ChildRuntime {

    private ChildRuntime() {
    }

    /** A condition that may need a network call. */
    interface Check {
        boolean holds() throws Exception;
    }

    static RuntimeProcess start(final Path pipeline, final Path config, final Path dir) throws IOException {
        // The runtime reads the stack's endpoints and local credentials from the env file and hands them to the AWS SDK.
        return RuntimeProcess.start("runtime", pipeline, config, dir, System.getProperty("java.class.path"), "512m",
                Map.of("MLBATCH_ENV_FILE", StackHome.locate().envFile().toString()), true);
    }

    /** The non-blank lines of a file sink's output; none while the file does not exist. */
    static List<String> lines(final Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    static boolean waitFor(final Check condition, final Duration timeout) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.holds()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
