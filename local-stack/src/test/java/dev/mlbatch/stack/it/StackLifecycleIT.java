package dev.mlbatch.stack.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.ProcessControl;
import dev.mlbatch.stack.StackEnv;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.StackLauncher;
import dev.mlbatch.stack.ml.ConnectorSetup;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.s3.S3Store;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stack up} then {@code stack down} leaves no process behind; {@code stack up} after only the node died
 * starts only the node. Each test runs a stack of its own in a state folder under target/ on free ports, so that
 * the shared stack other tests use is not disturbed; the downloads are shared.
 */
class StackLifecycleIT {

    @Test
    void upThenDownLeavesNoProcessBehind() throws Exception {
        StackHome home = OwnHome.prepare("lifecycle-home");
        Path root = home.root();
        StackLauncher launcher = new StackLauncher(home, StackLauncher.Ports.free());
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

        StackEnv env = launcher.up(out);
        assertTrue(launcher.status(out), buffer.toString(StandardCharsets.UTF_8));
        List<Long> pids = launcher.livePids();
        assertEquals(2, pids.size(), "OpenSearch and the services JVM: " + pids);
        List<String> urls = List.of(env.get(StackEnv.OPENSEARCH_URL), env.get(StackEnv.S3_ENDPOINT),
                env.get(StackEnv.MODEL_SERVICE_URL), env.get(StackEnv.GATEWAY_URL));
        for (String url : urls) {
            assertTrue(listening(url), url + " should be listening");
        }

        launcher.down(out);
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still alive");
        }
        assertTrue(launcher.livePids().isEmpty(), "left behind: " + launcher.livePids());
        for (String url : urls) {
            assertFalse(listening(url), url + " still listening");
        }
        assertFalse(launcher.status(out));
        assertFalse(Files.exists(root.resolve("stack.env")));
    }

    /**
     * Only the node dies (kill -9); {@code up} starts it again and keeps the healthy services JVM: same pid, and
     * the batch task whose job that JVM still runs is not marked FAILED. Then only the services JVM dies: {@code up}
     * keeps the node and starts the services, whose model service still knows the Bedrock job: the task is kept.
     */
    @Test
    void upStartsOnlyWhatDied() throws Exception {
        StackHome home = OwnHome.prepare("node-died-home");
        StackLauncher launcher = new StackLauncher(home, StackLauncher.Ports.free());
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        try {
            StackEnv env = new ConnectorSetup(launcher.up(out), ConnectorSetup.defaultConnectorsDir()).run(home.envFile(), out);
            long servicesPid = ProcessControl.readPid(home.servicesPidFile()).orElseThrow();
            long nodePid = ProcessControl.readPid(home.openSearchPidFile()).orElseThrow();
            // Slow state changes: the job is still running when the node comes back.
            putConfig(env.get(StackEnv.MODEL_SERVICE_URL), "{\"jobParallelism\":1,\"stateDelayMillis\":120000}");
            OpenSearchHttp os = new OpenSearchHttp(env.get(StackEnv.OPENSEARCH_URL));
            String taskId = bedrockTask(os, env);

            ProcessHandle.of(nodePid).orElseThrow().destroyForcibly();
            ProcessHandle.of(nodePid).orElseThrow().onExit().get();
            buffer.reset();
            StackEnv again = launcher.up(out);
            String said = buffer.toString(StandardCharsets.UTF_8);

            assertTrue(said.contains("services JVM is up (pid " + servicesPid + "): kept"), said);
            assertEquals(servicesPid, ProcessControl.readPid(home.servicesPidFile()).orElseThrow());
            assertTrue(ProcessHandle.of(servicesPid).map(ProcessHandle::isAlive).orElse(false), "services JVM alive");
            assertEquals(env.get(StackEnv.OPENSEARCH_URL), again.get(StackEnv.OPENSEARCH_URL), "the node came back on its port");
            assertEquals(env.get(StackEnv.BEDROCK_BATCH_MODEL_ID), again.get(StackEnv.BEDROCK_BATCH_MODEL_ID), "model ids kept");
            assertTrue(launcher.isOwnHealthy(again));
            JsonNode task = new OpenSearchHttp(again.get(StackEnv.OPENSEARCH_URL)).get("/.plugins-ml-task/_doc/" + taskId)
                    .orThrow("read task").path("_source");
            assertTrue(List.of("CREATED", "RUNNING").contains(task.path("state").asText()), "task not marked FAILED: " + task);
            // up waited for ML Commons' master key: the first read through ML Commons (which decrypts the connector's
            // credentials to ask the provider) answers, instead of HTTP 500 "Fetching master key timed out."
            OpenSearchHttp osAfterRestart = new OpenSearchHttp(again.get(StackEnv.OPENSEARCH_URL));
            OpenSearchHttp.Answer firstRead = osAfterRestart.get("/_plugins/_ml/tasks/" + taskId);
            assertEquals(200, firstRead.status(), firstRead.toString());
            osAfterRestart.post("/.plugins-ml-connector/_refresh", null);
            JsonNode probes = osAfterRestart.post("/_plugins/_ml/connectors/_search",
                    Map.of("query", Map.of("match_phrase", Map.of("name", "mlbatch-master-key-probe")))).orThrow("search connectors");
            assertEquals(0, probes.path("hits").path("total").path("value").asInt(), "the probe connector was removed: " + probes);

            // Now only the services JVM dies: the node is kept.
            long nodeAgain = ProcessControl.readPid(home.openSearchPidFile()).orElseThrow();
            ProcessHandle.of(servicesPid).orElseThrow().destroyForcibly();
            ProcessHandle.of(servicesPid).orElseThrow().onExit().get();
            buffer.reset();
            StackEnv third = launcher.up(out);
            said = buffer.toString(StandardCharsets.UTF_8);
            assertTrue(said.contains("OpenSearch is up (pid " + nodeAgain + "): kept"), said);
            assertEquals(nodeAgain, ProcessControl.readPid(home.openSearchPidFile()).orElseThrow());
            assertNotEquals(servicesPid, ProcessControl.readPid(home.servicesPidFile()).orElseThrow());
            // The restarted model service still knows the Bedrock job (it runs it again), so its task is kept and reads.
            OpenSearchHttp osAgain = new OpenSearchHttp(third.get(StackEnv.OPENSEARCH_URL));
            JsonNode kept = osAgain.get("/.plugins-ml-task/_doc/" + taskId).orThrow("read task").path("_source");
            assertNotEquals("FAILED", kept.path("state").asText(), kept.toString());
            JsonNode read = osAgain.get("/_plugins/_ml/tasks/" + taskId).orThrow("read task through ML Commons");
            assertTrue(List.of("CREATED", "RUNNING", "COMPLETED").contains(read.path("state").asText()), read.toString());
        } finally {
            launcher.down(out);
        }
        assertTrue(launcher.livePids().isEmpty(), "left behind: " + launcher.livePids());
    }

    private static String bedrockTask(OpenSearchHttp os, StackEnv env) {
        String bucket = env.get(StackEnv.S3_BUCKET);
        String key = "node-died/input.jsonl";
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            body.append("{\"recordId\":\"R").append(i).append("\",\"modelInput\":{\"inputText\":\"text ").append(i).append("\"}}\n");
        }
        try (S3Store s3 = new S3Store(env.get(StackEnv.S3_ENDPOINT), LocalCredentials.ACCESS_KEY_ID,
                LocalCredentials.SECRET_ACCESS_KEY, LocalCredentials.REGION)) {
            s3.put(bucket, key, body.toString().getBytes(StandardCharsets.UTF_8), "application/jsonl");
        }
        return os.post("/_plugins/_ml/models/" + env.get(StackEnv.BEDROCK_BATCH_MODEL_ID) + "/_batch_predict", Map.of("parameters", Map.of(
                        "inputDataConfig", Map.of("s3InputDataConfig", Map.of("s3Uri", "s3://" + bucket + "/" + key)),
                        // A name of this run: the model service keeps the jobs of earlier runs on this state folder.
                        "jobName", "node-died-" + System.currentTimeMillis(),
                        "outputDataConfig", Map.of("s3OutputDataConfig", Map.of("s3Uri", "s3://" + bucket + "/node-died-output/")))))
                .orThrow("_batch_predict").path("task_id").asText();
    }

    private static void putConfig(String modelServiceUrl, String json) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(modelServiceUrl + "/_mlbatch/config"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    private static boolean listening(String url) {
        URI uri = URI.create(url);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
