package dev.mlbatch.plugins.sink.opensearch;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mlbatch.testing.aws.StaticCredentialsSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.sink.SinkContext;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS against an HTTPS server with a self-signed certificate (made with the JDK's keytool): trusted through
 * {@code cert} or {@code insecure}, refused otherwise, for both transports; the SigV4 transport over real HTTPS.
 */
class TlsTrustTest {
    @TempDir
    static Path dir;
    private static HttpsServer server;
    private static final List<CapturedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<OpenSearchSink> sinks = new ArrayList<>();

    @BeforeAll
    static void startHttps() throws Exception {
        final String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        final Path keystore = dir.resolve("server.p12");
        run(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", dir.resolve("server.pem").toString());
        final KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/", exchange -> {
            final byte[] body = exchange.getRequestBody().readAllBytes();
            final Map<String, List<String>> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), List.copyOf(v)));
            final CapturedRequest request = new CapturedRequest(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), headers, body);
            requests.add(request);
            final byte[] out = (request.rawPathAndQuery().startsWith("/_bulk") ? LocalHttpServer.acceptAll(body)
                    : LocalHttpServer.INFO).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    private static void run(final String... command) throws Exception {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }

    @AfterAll
    static void stopHttps() {
        server.stop(0);
    }

    @AfterEach
    void stopSinks() {
        sinks.forEach(OpenSearchSink::shutdown);
    }

    private OpenSearchSink sink(final Map<String, Object> overrides, final StaticCredentialsSupplier credentials) {
        final Map<String, Object> settings = new HashMap<>(Map.of(
                "hosts", List.of("https://127.0.0.1:" + server.getAddress().getPort()),
                "index", "tls", "index_type", "management_disabled", "flush_timeout", -1, "max_retries", 0,
                "connect_timeout", 2000));
        settings.putAll(overrides);
        final OpenSearchSink sink = new OpenSearchSink(TestEvents.setting("tls"), TestConfigs.bind(settings),
                new SinkContext(null), null, credentials);
        sinks.add(sink);
        sink.initialize();
        return sink;
    }

    @Test
    void basicAuthTransportTrustsTheConfiguredCertificateOnly() {
        assertTrue(sink(Map.of("cert", dir.resolve("server.pem").toString()), null).isReady());
        assertTrue(sink(Map.of("insecure", true), null).isReady());
        assertFalse(sink(Map.of(), null).isReady(), "a self-signed certificate is not trusted by default");
    }

    @Test
    void sigV4TransportOverHttpsTrustsTheCertificateAndSigns() throws Exception {
        final StaticCredentialsSupplier credentials = new StaticCredentialsSupplier("AKIDTLS000000001", "tls-secret");
        assertFalse(sink(Map.of("aws", Map.of("region", "us-east-1")), credentials).isReady());
        final OpenSearchSink sink = sink(Map.of("aws", Map.of("region", "us-east-1"),
                "cert", dir.resolve("server.pem").toString()), credentials);
        assertTrue(sink.isReady());
        final TestEvents events = new TestEvents();
        sink.output(events.records(List.of(Map.of("a", 1))));
        assertEquals(1, events.count(true));
        final CapturedRequest bulk = requests.stream().filter(r -> r.rawPathAndQuery().startsWith("/_bulk"))
                .reduce((a, b) -> b).orElseThrow();
        final SigV4Check.Result result = new SigV4Check("AKIDTLS000000001", "tls-secret").verify(bulk);
        assertTrue(result.valid(), result.reason());
        assertTrue(sink(Map.of("aws", Map.of("region", "us-east-1"), "insecure", true), credentials).isReady());
    }
}
