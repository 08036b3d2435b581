package dev.mlbatch.stack.it;

import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.ProcessControl;
import dev.mlbatch.stack.StackEnv;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.StackLauncher;
import dev.mlbatch.stack.opensearch.OpenSearchNode;
import dev.mlbatch.stack.s3.S3Store;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two stacks with different state folders, started at the same moment and asking for the same ports: each comes
 * up with its own node and services (one moves to other ports and says so), neither adopts the other's. Then a stack
 * whose env file names the other stack's node address starts its own node instead of taking that one.
 */
class TwoStacksIT {

    @Test
    void twoStacksStartingAtOnceEachOwnWhatTheyStart() throws Exception {
        StackHome homeA = OwnHome.prepare("two-stacks-a");
        StackHome homeB = OwnHome.prepare("two-stacks-b");
        StackLauncher.Ports same = StackLauncher.Ports.free();
        StackLauncher a = new StackLauncher(homeA, same);
        StackLauncher b = new StackLauncher(homeB, same);
        ByteArrayOutputStream saidA = new ByteArrayOutputStream();
        ByteArrayOutputStream saidB = new ByteArrayOutputStream();
        try {
            CompletableFuture<StackEnv> upA = CompletableFuture.supplyAsync(() -> up(a, saidA));
            CompletableFuture<StackEnv> upB = CompletableFuture.supplyAsync(() -> up(b, saidB));
            StackEnv envA = upA.get();
            StackEnv envB = upB.get();
            String said = "A said:\n" + saidA.toString(StandardCharsets.UTF_8) + "B said:\n" + saidB.toString(StandardCharsets.UTF_8);

            for (String key : List.of(StackEnv.OPENSEARCH_URL, StackEnv.S3_ENDPOINT, StackEnv.MODEL_SERVICE_URL, StackEnv.GATEWAY_URL)) {
                assertNotEquals(envA.get(key), envB.get(key), key + " differs; " + said);
            }
            assertOwnNode(homeA, envA, said);
            assertOwnNode(homeB, envB, said);
            // One of them got the wanted ports, the other says in one line which port was busy and which it uses.
            assertTrue(said.contains("port " + same.openSearch() + " (OpenSearch HTTP) is busy; OpenSearch HTTP uses port "), said);
            assertTrue(said.contains("port " + same.s3() + " (S3) is busy; S3 uses port "), said);
            assertTrue(a.isOwnHealthy(envA) && b.isOwnHealthy(envB), said);
            assertFalse(a.isOwnHealthy(envB), "A does not take B's endpoints for its own");

            // Each stack's S3 is its own folder.
            try (S3Store s3A = store(envA); S3Store s3B = store(envB)) {
                s3A.put("mlbatch", "only-in-a.txt", "a".getBytes(StandardCharsets.UTF_8), "text/plain");
                assertTrue(s3A.exists("mlbatch", "only-in-a.txt"));
                assertFalse(s3B.exists("mlbatch", "only-in-a.txt"));
            }

            // B's processes die; its env file now names A's node (as if A had taken B's old port meanwhile).
            long nodeA = ProcessControl.readPid(homeA.openSearchPidFile()).orElseThrow();
            b.down(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            Map<String, String> stale = new HashMap<>(envB.asMap());
            stale.put(StackEnv.OPENSEARCH_URL, envA.get(StackEnv.OPENSEARCH_URL));
            new StackEnv(stale).write(homeB.envFile());
            assertFalse(b.isOwnHealthy(new StackEnv(stale)));
            saidB.reset();
            StackEnv again = up(b, saidB);
            String saidAgain = saidB.toString(StandardCharsets.UTF_8);
            assertNotEquals(envA.get(StackEnv.OPENSEARCH_URL), again.get(StackEnv.OPENSEARCH_URL), saidAgain);
            assertOwnNode(homeB, again, saidAgain);
            int busy = URI.create(envA.get(StackEnv.OPENSEARCH_URL)).getPort();
            assertTrue(saidAgain.contains("port " + busy + " (OpenSearch HTTP) is busy"), saidAgain);
            assertTrue(ProcessHandle.of(nodeA).map(ProcessHandle::isAlive).orElse(false), "A's node untouched");
            assertEquals(nodeA, OpenSearchNode.processIdAt(envA.get(StackEnv.OPENSEARCH_URL)).orElseThrow());
        } finally {
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            a.down(quiet);
            b.down(quiet);
        }
        assertTrue(Stream.concat(a.livePids().stream(), b.livePids().stream()).toList().isEmpty());
    }

    private static void assertOwnNode(StackHome home, StackEnv env, String said) {
        long pid = ProcessControl.readPid(home.openSearchPidFile()).orElseThrow();
        assertEquals(pid, OpenSearchNode.processIdAt(env.get(StackEnv.OPENSEARCH_URL)).orElseThrow(),
                "the node at " + env.get(StackEnv.OPENSEARCH_URL) + " is " + home.root() + "'s own; " + said);
    }

    private static StackEnv up(StackLauncher launcher, ByteArrayOutputStream said) {
        try {
            return launcher.up(new PrintStream(said, true, StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(launcher.home().root() + ": " + e.getMessage() + "\n" + said.toString(StandardCharsets.UTF_8), e);
        }
    }

    private static S3Store store(StackEnv env) {
        return new S3Store(env.get(StackEnv.S3_ENDPOINT), LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY,
                LocalCredentials.REGION);
    }
}
