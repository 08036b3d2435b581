package dev.mlbatch.stack.http;

import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.sigv4.SignedHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A server that, like an idle-timed-out keep-alive peer, resets every connection at its second request: the first
 * request of a connection is answered (keep-alive), the second gets a TCP reset. A client that reuses the connection
 * sees {@code Connection reset}; idempotent requests must be answered anyway (on a new connection), others must fail.
 */
class StaleConnectionRetryTest {

    private ServerSocket server;
    private Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    new Thread(() -> serve(s), "reset-server-conn").start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "reset-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private void serve(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            for (int request = 1; ; request++) {
                int contentLength = 0;
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        contentLength = Integer.parseInt(line.substring(15).trim());
                    }
                }
                for (int i = 0; i < contentLength; i++) {
                    in.read();
                }
                if (request == 2) {
                    s.setSoLinger(true, 0); // close with RST: "Connection reset" at the client
                    return;
                }
                // Counted before the answer is written: the client may assert as soon as it has read it.
                answered.incrementAndGet();
                byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    @Test
    void anIdempotentRequestOnAResetConnectionIsSentAgainOnANewOne() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(URI.create(url("/a"))).build();
        assertEquals(200, StaleConnectionRetry.send(client, get, HttpResponse.BodyHandlers.ofString(), true).statusCode());
        assertEquals(200, StaleConnectionRetry.send(client, get, HttpResponse.BodyHandlers.ofString(), true).statusCode());
        assertEquals(2, connections.get(), "the second request met the reset and went out again on a new connection");
        assertEquals(2, answered.get());
    }

    @Test
    void aRequestThatMayNotRunTwiceIsNotSentAgain() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest post = HttpRequest.newBuilder(URI.create(url("/create"))).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        assertEquals(200, StaleConnectionRetry.send(client, post, HttpResponse.BodyHandlers.ofString(), false).statusCode());
        assertThrows(IOException.class, () -> StaleConnectionRetry.send(client, post, HttpResponse.BodyHandlers.ofString(), false));
        assertEquals(1, connections.get());
    }

    @Test
    void theSignedClientRetriesReadsAndLeavesCreatesAlone() throws Exception {
        SignedHttpClient sageMaker = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY,
                LocalCredentials.REGION, "sagemaker");
        // A read operation sent as POST (SageMaker's JSON protocol) may run twice.
        assertEquals(200, sageMaker.send("POST", url("/sagemaker/ListTransformJobs"), "{}").statusCode());
        assertEquals(200, sageMaker.send("POST", url("/sagemaker/DescribeTransformJob"), "{}").statusCode());
        assertEquals(2, connections.get());
        // Second request of connection 2: reset, repeated on connection 3.
        assertEquals(200, sageMaker.send("GET", url("/bedrock/model-invocation-jobs"), null).statusCode());
        assertEquals(3, connections.get());
        // Second request of connection 3 is a create: not repeated.
        assertThrows(IOException.class, () -> sageMaker.send("POST", url("/sagemaker/CreateTransformJob"), "{}"));
        assertEquals(3, connections.get());
    }

    @Test
    void openSearchHttpRetriesGets() {
        var os = new dev.mlbatch.stack.ml.OpenSearchHttp(url(""));
        assertEquals(200, os.get("/_cluster/health").status());
        assertEquals(200, os.get("/_cluster/health").status());
        assertEquals(2, connections.get());
    }
}
