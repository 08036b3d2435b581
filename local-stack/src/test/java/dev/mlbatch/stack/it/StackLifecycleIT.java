package dev.mlbatch.stack.it;

import dev.mlbatch.stack.StackEnv;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.StackLauncher;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stack up} then {@code stack down} leaves no process behind. Runs a second stack in its own
 * state folder (target/lifecycle-home, on free ports) so that the shared stack other tests use is
 * not disturbed; the downloads are shared.
 */
class StackLifecycleIT {

    @Test
    void upThenDownLeavesNoProcessBehind() throws Exception {
        Path root = Path.of("target/lifecycle-home").toAbsolutePath();
        if (!Files.exists(root)) {
            Files.createDirectories(root);
        }
        Path downloads = root.resolve("downloads");
        if (!Files.exists(downloads)) {
            Files.createSymbolicLink(downloads, StackHome.locate().downloads());
        }
        StackLauncher launcher = new StackLauncher(new StackHome(root));
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
