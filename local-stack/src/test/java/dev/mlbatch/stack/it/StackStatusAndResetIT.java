package dev.mlbatch.stack.it;

import dev.mlbatch.stack.StackEnv;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.StackLauncher;
import dev.mlbatch.stack.StackMain;
import dev.mlbatch.stack.health.ClusterStaysRedException;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.opensearch.OpenSearchNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stack status} on a stack of its own (state folder under target/, free ports): every part ok, then a red
 * cluster for real (an index whose only shard must live on a node that does not exist) named with the command that
 * fixes it; {@code stack up} on that red cluster stops waiting early, both for the running node and for a node started
 * again on the reused state folder; the advised command makes it healthy; {@code stack reset --yes} empties the folder.
 */
class StackStatusAndResetIT {

    private static final String RED_INDEX = "red-on-purpose";
    private static final String FIX = "'{\"index.routing.allocation.require._name\":null}'";

    @Test
    void statusNamesTheRedIndexUpStopsWaitingForItAndResetEmptiesTheHome() throws Exception {
        deleteLeftovers(Path.of("target", "status-reset-home")); // a failed earlier run leaves its red index there
        StackHome home = OwnHome.prepare("status-reset-home");
        Path sharedDownloads = home.downloads().toRealPath();
        StackLauncher launcher = new StackLauncher(home, StackLauncher.Ports.free());
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(said, true, StandardCharsets.UTF_8);
        try {
            StackEnv env = launcher.up(out);
            OpenSearchHttp os = new OpenSearchHttp(env.get(StackEnv.OPENSEARCH_URL));

            Result healthy = StackStatusAndResetIT.run(home, "stack", "status");
            System.out.println("stack status, healthy:\n" + healthy.out());
            assertEquals(0, healthy.code(), healthy.all());
            for (String part : List.of("opensearch", "ml-commons", "model-service", "s3", "gateway")) {
                assertTrue(healthy.out().lines().anyMatch(line -> line.matches(part + " +ok +.*")), part + " ok: " + healthy.all());
            }
            assertTrue(healthy.out().lines().anyMatch(line -> line.matches("disk +(ok|warn) +.* free of .*")), healthy.all());

            os.put("/" + RED_INDEX + "?wait_for_active_shards=0", Map.of("settings", Map.of(
                    "index.number_of_shards", 1, "index.number_of_replicas", 0,
                    "index.routing.allocation.require._name", "no-such-node"))).orThrow("create " + RED_INDEX);

            Result red = StackStatusAndResetIT.run(home, "stack", "status");
            System.out.println("stack status, red:\n" + red.out());
            assertEquals(3, red.code(), red.all());
            assertRedIndexNamedWithItsFix(red.out(), env.get(StackEnv.OPENSEARCH_URL));

            // up on the running red node: no restart (it would not help), the diagnosis, exit 3.
            long nodePid = OpenSearchNode.processIdAt(env.get(StackEnv.OPENSEARCH_URL)).orElseThrow();
            long t0 = System.nanoTime();
            Result upKept = StackStatusAndResetIT.run(home, "stack", "up");
            Duration keptWait = Duration.ofNanos(System.nanoTime() - t0);
            System.out.println("stack up on the red node (" + keptWait.toSeconds() + " s):\n" + upKept.all());
            assertEquals(3, upKept.code(), upKept.all());
            assertTrue(upKept.err().contains("stays red"), upKept.all());
            assertRedIndexNamedWithItsFix(upKept.err(), env.get(StackEnv.OPENSEARCH_URL));
            assertEquals(nodePid, OpenSearchNode.processIdAt(env.get(StackEnv.OPENSEARCH_URL)).orElseThrow(), "the node was kept");
            assertTrue(keptWait.compareTo(Duration.ofSeconds(60)) < 0, "stopped waiting early: " + keptWait);

            // The state folder reused by a new node: the start-up wait stops early too, and leaves that node running.
            launcher.down(out);
            t0 = System.nanoTime();
            ClusterStaysRedException stuck = assertThrows(ClusterStaysRedException.class, () -> launcher.up(out));
            Duration startWait = Duration.ofNanos(System.nanoTime() - t0);
            System.out.println("stack up on the reused state folder (" + startWait.toSeconds() + " s):\n" + stuck.getMessage());
            assertTrue(startWait.compareTo(Duration.ofSeconds(150)) < 0, "well before the 180 s start-up timeout: " + startWait);
            assertEquals(List.of(RED_INDEX), stuck.diagnosis().redIndices().stream().map(r -> r.name()).toList());
            String nodeUrl = stuck.diagnosis().url();
            assertTrue(OpenSearchNode.processIdAt(nodeUrl).isPresent(), "the node is left running to be fixed");
            assertFalse(Files.exists(home.envFile()), "no env file: the stack did not come up");
            Result redWithoutEnv = StackStatusAndResetIT.run(home, "stack", "status");
            assertEquals(3, redWithoutEnv.code(), redWithoutEnv.all());
            assertRedIndexNamedWithItsFix(redWithoutEnv.out(), nodeUrl);

            // The advised command fixes it: the shard is assigned, up keeps the node left running, status is healthy.
            long leftRunning = OpenSearchNode.processIdAt(nodeUrl).orElseThrow();
            new OpenSearchHttp(nodeUrl).put("/" + RED_INDEX + "/_settings", "{\"index.routing.allocation.require._name\":null}")
                    .orThrow("drop the allocation filter");
            said.reset();
            launcher.up(out);
            assertTrue(said.toString(StandardCharsets.UTF_8).contains("OpenSearch is up (pid " + leftRunning + "): kept"),
                    said.toString(StandardCharsets.UTF_8));
            Result fixed = StackStatusAndResetIT.run(home, "stack", "status");
            assertEquals(0, fixed.code(), fixed.all());

            Result reset = StackStatusAndResetIT.run(home, "stack", "reset", "--yes");
            System.out.println("stack reset --yes:\n" + reset.all());
            assertEquals(0, reset.code(), reset.all());
            try (Stream<Path> left = Files.list(home.root())) {
                assertEquals(List.of(), left.toList(), "the state folder is empty");
            }
            assertTrue(launcher.livePids().isEmpty(), "left running: " + launcher.livePids());
            try (Stream<Path> downloads = Files.list(sharedDownloads)) {
                assertTrue(downloads.findAny().isPresent(), "the shared downloads the link pointed to are still there");
            }
        } finally {
            if (Files.isDirectory(home.root().resolve("run"))) {
                launcher.down(out);
            }
            System.out.println("said:\n" + said.toString(StandardCharsets.UTF_8));
        }
        assertTrue(launcher.livePids().isEmpty(), "left behind: " + launcher.livePids());
    }

    private static void assertRedIndexNamedWithItsFix(String text, String url) {
        // INDEX_CREATED on the node that created it, CLUSTER_RECOVERED on one started again on the same data.
        assertTrue(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote("red index " + RED_INDEX + ": primary shard 0 unassigned (")
                + "(INDEX_CREATED|CLUSTER_RECOVERED)" + java.util.regex.Pattern.quote("): node does not match index setting "
                + "[index.routing.allocation.require] filters [_name:\"no-such-node\"]")).matcher(text).find(), text);
        assertTrue(text.contains("do: curl -X PUT '" + url + "/" + RED_INDEX + "/_settings' -H 'content-type: application/json' -d " + FIX),
                text);
        assertTrue(text.contains("./mlbatch stack reset"), text);
    }

    /** Deletes {@code dir} without following links (its downloads link points at the shared downloads). */
    private static void deleteLeftovers(Path dir) throws java.io.IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    record Result(int code, String out, String err) {
        String all() {
            return "exit " + code + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private static Result run(StackHome home, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = StackMain.run(home, args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
