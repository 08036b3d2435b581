package dev.mlbatch.compat;

import dev.mlbatch.demo.StageLauncher;
import dev.mlbatch.runtime.RuntimeProcess;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Each stage in its own real Data Prepper JVM, started as upstream's {@code bin/data-prepper} starts it (its
 * {@code lib/*} class path, its log4j2 file, {@code DataPrepperExecute <pipeline> <config>}), each with its own
 * working directory and a free server port. Stopped with {@code POST /shutdown}; a JVM still there after the grace
 * period is killed (upstream's JVM can linger after a shutdown).
 */
public final class DataPrepperLauncher implements StageLauncher {

    /** What upstream's pipeline logs (org.opensearch.dataprepper.pipeline, INFO) once a pipeline runs. */
    static final String STARTED_LINE = "Submitting request to initiate the pipeline processing";
    private static final String MAIN = "org.opensearch.dataprepper.DataPrepperExecute";

    private final Path home;
    private final Map<String, String> env;
    private final String heap;
    private final PrintStream out;
    private final Map<Long, Integer> ports = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final java.util.Set<RuntimeProcess> running = ConcurrentHashMap.newKeySet();

    /** @param env the stages' environment: the stack's AWS credentials, region and {@code AWS_ENDPOINT_URL_S3} */
    public DataPrepperLauncher(final Path home, final Map<String, String> env, final String heap, final PrintStream out) {
        this.home = home;
        this.env = env;
        this.heap = heap;
        this.out = out;
        // A stopped mlbatch (Ctrl-C, SIGTERM) must not leave Data Prepper JVMs behind: close() would, but does not run then.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(p -> {
            try {
                p.close();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), "compat-stop-data-prepper"));
    }

    @Override
    public RuntimeProcess start(final String stage, final Path pipeline, final Path workDir, final boolean exitWhenDone)
            throws IOException {
        final Path dir = workDir.resolve(stage);
        Files.createDirectories(dir);
        final int port = freePort();
        final Path config = dir.resolve("data-prepper-config.yaml");
        Files.writeString(config, "ssl: false\nserverPort: " + port + "\n", StandardCharsets.UTF_8);
        final List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-Dfile.encoding=UTF-8", "-Dlog4j.configurationFile=" + log4jConfig(),
                "-Ddata-prepper.dir=" + home, "-cp", home.resolve("lib") + "/*", MAIN,
                pipeline.toAbsolutePath().toString(), config.toString());
        final RuntimeProcess process = RuntimeProcess.launch(stage, command, dir, env, STARTED_LINE);
        ports.put(process.pid(), port);
        running.add(process);
        out.printf(Locale.ROOT, "  %s: Data Prepper pid %d, port %d, log %s%n", stage, process.pid(), port, process.log());
        return process;
    }

    /** A real Data Prepper keeps running when its source is done. */
    @Override
    public boolean exitsWhenDone() {
        return false;
    }

    @Override
    public int stop(final RuntimeProcess stage, final Duration timeout) throws InterruptedException {
        final Integer port = ports.remove(stage.pid());
        running.remove(stage);
        if (!stage.isAlive()) {
            return stage.exitValue();
        }
        int status = -1;
        try {
            status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/shutdown"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (final IOException e) {
            out.printf(Locale.ROOT, "  %s: POST /shutdown on port %d failed (%s); stopping it with SIGTERM%n", stage.name(), port, e.getMessage());
        }
        final long t0 = System.nanoTime();
        final long deadline = t0 + timeout.toNanos();
        while (stage.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        if (stage.isAlive()) {
            out.printf(Locale.ROOT, "  %s: JVM still running %d s after POST /shutdown (HTTP %d); killing it%n",
                    stage.name(), timeout.toSeconds(), status);
            stage.stop(Duration.ofSeconds(5));
            return stage.isAlive() ? -1 : stage.exitValue();
        }
        out.printf(Locale.ROOT, "  %s: POST /shutdown -> HTTP %d, JVM exited after %.1f s%n", stage.name(), status,
                (System.nanoTime() - t0) / 1e9);
        return stage.exitValue();
    }

    private Path log4jConfig() throws IOException {
        final Path rolling = home.resolve("config/log4j2-rolling.properties");
        if (Files.isRegularFile(rolling)) {
            return rolling;
        }
        try (Stream<Path> files = Files.list(home.resolve("config"))) {
            return files.filter(p -> p.getFileName().toString().matches("log4j2.*\\.properties")).sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException(home + "/config has no log4j2*.properties"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
