package dev.mlbatch.stack.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.ProcessControl;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.health.ClusterDiagnosis;
import dev.mlbatch.stack.health.ClusterStaysRedException;
import dev.mlbatch.stack.health.RedClusterWatch;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Starts and stops the assembled single-node OpenSearch on 127.0.0.1 as its own daemon process.
 * OpenSearch refuses to run as root, so as root the node folder is handed to {@code nobody} and the
 * node is started through {@code setpriv}.
 */
public final class OpenSearchNode {

    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchNode.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLUSTER_NAME = "mlbatch-local";

    private final StackHome home;
    private final String heap;

    public OpenSearchNode(StackHome home, String heap) {
        this.home = home;
        this.heap = heap;
    }

    public void start(int httpPort, int transportPort) throws IOException, InterruptedException {
        Path dir = home.openSearchDir();
        Files.createDirectories(home.openSearchData());
        Files.createDirectories(home.openSearchLogs());
        Files.writeString(dir.resolve("config/opensearch.yml"), config(httpPort, transportPort), StandardCharsets.UTF_8);
        Files.deleteIfExists(home.openSearchPidFile());
        boolean root = ProcessControl.isRoot();
        List<String> command = new ArrayList<>();
        if (root) {
            // An unprivileged user must own everything the node writes.
            run(List.of("chown", "-R", "nobody:nogroup", dir.toString(), home.openSearchData().toString(),
                    home.openSearchLogs().toString()));
            command.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "env", "-i",
                    "PATH=/usr/bin:/bin", "JAVA_HOME=" + NodeJava.home(), "OPENSEARCH_JAVA_OPTS=" + javaOpts()));
        }
        command.addAll(List.of(dir.resolve("bin/opensearch").toString(), "-d", "-p", home.openSearchPidFile().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.openSearchLogs().resolve("startup.out").toFile());
        if (!root) {
            pb.environment().put("JAVA_HOME", NodeJava.home().toString());
            pb.environment().put("OPENSEARCH_JAVA_OPTS", javaOpts());
        }
        LOG.info("starting OpenSearch on 127.0.0.1:{}{}", httpPort, root ? " as user nobody" : "");
        Process p = pb.start();
        if (p.waitFor() != 0) {
            throw new IOException("OpenSearch did not start (exit " + p.exitValue() + "); see "
                    + home.openSearchLogs().resolve("startup.out") + " and " + home.openSearchLogs());
        }
        waitHealthy("http://127.0.0.1:" + httpPort, Duration.ofSeconds(180));
    }

    /**
     * The address the node was last configured for ({@code http.port} in its opensearch.yml), for when the env file
     * is missing: {@code stack up} writes that only once everything is up, and a node left running red has none.
     */
    public Optional<String> configuredUrl() {
        try {
            for (String line : Files.readAllLines(home.openSearchDir().resolve("config/opensearch.yml"), StandardCharsets.UTF_8)) {
                if (line.startsWith("http.port:")) {
                    return Optional.of("http://127.0.0.1:" + line.substring("http.port:".length()).trim());
                }
            }
        } catch (IOException e) {
            // not assembled or not started yet
        }
        return Optional.empty();
    }

    private String javaOpts() {
        return "-Xms" + heap + " -Xmx" + heap;
    }

    private String config(int httpPort, int transportPort) {
        return String.join("\n",
                "cluster.name: " + CLUSTER_NAME,
                "node.name: mlbatch-node-1",
                "network.host: 127.0.0.1",
                "http.port: " + httpPort,
                "transport.port: " + transportPort,
                "discovery.type: single-node",
                "path.data: " + home.openSearchData(),
                "path.logs: " + home.openSearchLogs(),
                "# a developer machine's disk may be fuller than the default watermarks allow",
                "cluster.routing.allocation.disk.threshold_enabled: false",
                "plugins.ml_commons.only_run_on_ml_node: false",
                "plugins.ml_commons.trusted_connector_endpoints_regex: [\"^http://127\\\\.0\\\\.0\\\\.1:.*$\", \"^http://198\\\\.18\\\\.0\\\\.7:.*$\"]",
                "plugins.ml_commons.offline_batch_inference_enabled: true",
                "plugins.ml_commons.jvm_heap_memory_threshold: 100",
                "plugins.ml_commons.native_memory_threshold: 100",
                "");
    }

    /**
     * Waits until the node at {@code url} is healthy and is this stack's own process (see {@link #answersAt}).
     * A healthy node of someone else on that port does not count: with {@code -d} the start script returns at once,
     * and a node that then fails to bind its ports exits and removes its pid file while the other node answers.
     * A cluster of this node that stays red (a reused state folder with an index OpenSearch will not assign) ends the
     * wait early with {@link ClusterStaysRedException}, which says which indices and what to do; the node keeps running.
     */
    public void waitHealthy(String url, Duration timeout) throws IOException, InterruptedException {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        RedClusterWatch red = new RedClusterWatch();
        OpenSearchHttp os = new OpenSearchHttp(url);
        while (System.nanoTime() < deadline) {
            if (isHealthy(url) && answersAt(url)) {
                return;
            }
            watchRed(os, red);
            // The script execs the JVM at once; give it a few seconds to appear before calling it gone.
            if (System.nanoTime() - started > Duration.ofSeconds(5).toNanos() && livePids().isEmpty()) {
                throw new IOException("OpenSearch exited during start-up" + startFailureHint() + "; see " + home.openSearchLogs());
            }
            Thread.sleep(500);
        }
        throw new IOException("OpenSearch at " + url + " not healthy (or not this stack's node) after " + timeout.toSeconds()
                + " s" + startFailureHint() + "; see " + home.openSearchLogs());
    }

    /**
     * Waits up to {@code timeout} for this stack's live node to answer healthy at {@code url}; false if it does not.
     * A cluster that stays red ends the wait with {@link ClusterStaysRedException}: starting the node again would
     * not change that.
     */
    public boolean becomesOwnHealthy(String url, Duration timeout) throws InterruptedException, ClusterStaysRedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RedClusterWatch red = new RedClusterWatch();
        OpenSearchHttp os = new OpenSearchHttp(url);
        while (!(isHealthy(url) && answersAt(url))) {
            if (System.nanoTime() > deadline || !isRunning()) {
                return false;
            }
            watchRed(os, red);
            Thread.sleep(500);
        }
        return true;
    }

    /** One reading of this node's cluster for {@code red}; throws once it has stayed red long enough. */
    private void watchRed(OpenSearchHttp os, RedClusterWatch red) throws ClusterStaysRedException {
        if (!answersAt(os.baseUrl())) {
            red.reset();
            return;
        }
        ClusterDiagnosis reading;
        try {
            reading = ClusterDiagnosis.read(os);
        } catch (RuntimeException notYet) {
            red.reset(); // e.g. 503 while no cluster manager is elected yet
            return;
        }
        if (red.givesUp(reading, System.nanoTime())) {
            throw new ClusterStaysRedException(reading);
        }
    }

    /**
     * True if the node answering at {@code url} is this stack's: its process id (from {@code GET _nodes/_local/process})
     * is the pid in this state folder's pid file, and that process runs this folder's node. Never adopt any other.
     */
    public boolean answersAt(String url) {
        OptionalLong pid = pid();
        if (pid.isEmpty() || !isRunning()) {
            return false;
        }
        OptionalLong answering = processIdAt(url);
        return answering.isPresent() && answering.getAsLong() == pid.getAsLong();
    }

    /** The process id of the node answering at {@code url}, if one answers. */
    public static OptionalLong processIdAt(String url) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url + "/_nodes/_local/process"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return OptionalLong.empty();
            }
            for (JsonNode node : JSON.readTree(r.body()).path("nodes")) {
                JsonNode id = node.path("process").path("id");
                if (id.canConvertToLong()) {
                    return OptionalLong.of(id.asLong());
                }
            }
            return OptionalLong.empty();
        } catch (IOException | IllegalArgumentException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    /** Processes running this state folder's node (by command line), whatever the pid file says. */
    public List<Long> livePids() {
        return ProcessHandle.allProcesses().map(ProcessHandle::pid).filter(this::runsOurNode).toList();
    }

    /** ": <the bind error>" when the node's log says it could not bind a port, else "". */
    private String startFailureHint() {
        Path log = home.openSearchLogs().resolve(CLUSTER_NAME + ".log");
        try {
            if (Files.isRegularFile(log)) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                for (int i = lines.size() - 1; i >= 0 && i >= lines.size() - 400; i--) {
                    String line = lines.get(i);
                    if (line.contains("BindTransportException") || line.contains("BindHttpException")
                            || line.contains("Address already in use")) {
                        String trimmed = line.trim();
                        return ": " + (trimmed.length() > 300 ? trimmed.substring(0, 300) + "..." : trimmed);
                    }
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // no hint then
        }
        return "";
    }

    /** Yellow or green within one second. */
    public static boolean isHealthy(String url) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url + "/_cluster/health?wait_for_status=yellow&timeout=1s"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && !r.body().contains("\"status\":\"red\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public OptionalLong pid() {
        return ProcessControl.readPid(home.openSearchPidFile());
    }

    public boolean isRunning() {
        OptionalLong pid = pid();
        return pid.isPresent() && runsOurNode(pid.getAsLong());
    }

    /** The OpenSearch JVM of this state folder: its path.home argument names exactly this folder's node. */
    private boolean runsOurNode(long pid) {
        return ProcessControl.hasArgument(pid, "-Dopensearch.path.home=" + home.openSearchDir())
                && ProcessControl.hasArgument(pid, "org.opensearch.bootstrap.OpenSearch");
    }

    /** Stops this folder's node: the pid file's process if it is ours, and any other process running this folder's node. */
    public void stop() throws IOException {
        OptionalLong pid = pid();
        if (pid.isPresent() && runsOurNode(pid.getAsLong())) {
            LOG.info("stopping OpenSearch (pid {})", pid.getAsLong());
            ProcessControl.stop(pid.getAsLong(), Duration.ofSeconds(60));
        }
        for (long stray : livePids()) {
            LOG.info("stopping OpenSearch process {} of {} (not in the pid file)", stray, home.openSearchDir());
            ProcessControl.stop(stray, Duration.ofSeconds(60));
        }
        Files.deleteIfExists(home.openSearchPidFile());
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }
}
