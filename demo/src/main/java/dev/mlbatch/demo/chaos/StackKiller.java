package dev.mlbatch.demo.chaos;

import dev.mlbatch.stack.ProcessControl;
import dev.mlbatch.stack.StackEnv;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.StackLauncher;
import dev.mlbatch.stack.opensearch.OpenSearchNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * SIGKILLs one process of a stack of one state folder and starts it again as {@code stack up} does
 * ({@link StackLauncher#up}: it starts only what is not running, on the ports the env file names, so connectors and
 * model ids stay valid). OpenSearch keeps its data folder, so its indices and ML Commons tasks survive. The model
 * service shares its JVM with S3 and the SigV4 gateway ({@code ServicesMain}): killing it kills those too, and
 * restarting it forgets every provider job it held in memory ({@code up} then marks their ML Commons tasks FAILED,
 * and {@code ml_inference} resubmits them under the next attempt name).
 */
final class StackKiller {

    private static final Duration DEATH_TIMEOUT = Duration.ofSeconds(30);

    private final StackHome home;

    StackKiller(final StackHome home) {
        this.home = home;
    }

    /** Kills the services JVM of this state folder; returns its pid. */
    long killServices() throws InterruptedException {
        final OptionalLong pid = ProcessControl.readPid(home.servicesPidFile());
        if (pid.isEmpty() || !ProcessControl.hasArguments(pid.getAsLong(), "--home", home.root().toString())) {
            throw new IllegalStateException("no services JVM of " + home.root() + " to kill (pid file " + home.servicesPidFile() + ")");
        }
        kill(pid.getAsLong(), "services JVM");
        return pid.getAsLong();
    }

    /** Kills this state folder's OpenSearch node (the process that answers at the env file's address); returns its pid. */
    long killOpenSearch() throws IOException, InterruptedException {
        final String url = env().get(StackEnv.OPENSEARCH_URL);
        final OptionalLong pid = OpenSearchNode.processIdAt(url);
        if (pid.isEmpty() || !ProcessControl.hasArgument(pid.getAsLong(), "-Dopensearch.path.home=" + home.openSearchDir())) {
            throw new IllegalStateException("no OpenSearch node of " + home.root() + " answers at " + url);
        }
        kill(pid.getAsLong(), "OpenSearch");
        return pid.getAsLong();
    }

    /** {@code stack up}: starts what is not running; its output is printed only when it fails. */
    Duration restart() throws IOException, InterruptedException {
        final long t0 = System.nanoTime();
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            new StackLauncher(home).up(out);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("stack up after a kill failed: " + e.getMessage() + "\n" + log.toString(StandardCharsets.UTF_8), e);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private StackEnv env() {
        return StackEnv.read(home.envFile())
                .orElseThrow(() -> new IllegalStateException("no env file " + home.envFile() + ": the stack is not up"));
    }

    private static void kill(final long pid, final String what) throws InterruptedException {
        final ProcessHandle process = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException(what + " (pid " + pid + ") is not running"));
        // destroyForcibly is SIGKILL on Linux: no shutdown hook, no flush, as a crash or the OOM killer leaves it.
        process.destroyForcibly();
        try {
            process.onExit().get(DEATH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(what + " (pid " + pid + ") still runs " + DEATH_TIMEOUT + " after SIGKILL", e);
        }
    }
}
