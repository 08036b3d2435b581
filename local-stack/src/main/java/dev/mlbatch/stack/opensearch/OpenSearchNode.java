package dev.mlbatch.stack.opensearch;

import dev.mlbatch.stack.ProcessControl;
import dev.mlbatch.stack.StackHome;
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
import java.util.OptionalLong;

/**
 * Starts and stops the assembled single-node OpenSearch on 127.0.0.1 as its own daemon process.
 * OpenSearch refuses to run as root, so as root the node folder is handed to {@code nobody} and the
 * node is started through {@code setpriv}.
 */
public final class OpenSearchNode {

    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchNode.class);

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

    private String javaOpts() {
        return "-Xms" + heap + " -Xmx" + heap;
    }

    private String config(int httpPort, int transportPort) {
        return String.join("\n",
                "cluster.name: mlbatch-local",
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
                "plugins.ml_commons.trusted_connector_endpoints_regex: [\"^http://127\\\\.0\\\\.0\\\\.1:.*$\"]",
                "plugins.ml_commons.offline_batch_inference_enabled: true",
                "plugins.ml_commons.jvm_heap_memory_threshold: 100",
                "plugins.ml_commons.native_memory_threshold: 100",
                "");
    }

    public void waitHealthy(String url, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (isHealthy(url)) {
                return;
            }
            OptionalLong pid = pid();
            if (pid.isPresent() && !ProcessControl.isAlive(pid.getAsLong())) {
                throw new IOException("OpenSearch exited during start-up; see " + home.openSearchLogs());
            }
            Thread.sleep(500);
        }
        if (!isHealthy(url)) {
            throw new IOException("OpenSearch at " + url + " not healthy after " + timeout.toSeconds() + " s; see " + home.openSearchLogs());
        }
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
        return pid.isPresent() && ProcessControl.isOurs(pid.getAsLong(), home.openSearchDir().toString());
    }

    public void stop() throws IOException {
        OptionalLong pid = pid();
        if (pid.isPresent() && ProcessControl.isOurs(pid.getAsLong(), home.openSearchDir().toString())) {
            LOG.info("stopping OpenSearch (pid {})", pid.getAsLong());
            ProcessControl.stop(pid.getAsLong(), Duration.ofSeconds(60));
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
