package dev.mlbatch.plugins.mlinference.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mlbatch.plugins.mlinference.config.MLProcessorConfig;
import dev.mlbatch.plugins.mlinference.support.ConfigBinder;
import dev.mlbatch.testing.aws.StaticCredentialsSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MlCommonsClientTest {
    private static final String ACCESS_KEY = "AKIDEXAMPLE0000001";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    private record Seen(String method, String rawPath, Map<String, String> headers, byte[] body) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private volatile int status = 200;
    private volatile String answer = "{\"task_id\":\"t-1\",\"status\":\"CREATED\",\"remote_job\":{\"TransformJobArn\":\"arn:x/j\",\"dlq\":null}}";

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String startPlain() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(",", values)));
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers, exchange.getRequestBody().readAllBytes()));
        final byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private MlCommonsClient client(final String host, final RequestAuthenticator authenticator) {
        final MLProcessorConfig config = ConfigBinder.bind("host: \"" + host + "\"\nmodel_id: m\noutput_path: s3://bucket/out\naws_sigv4: false\n");
        return new MlCommonsClient(URI.create(host), MlCommonsClientFactory.httpClient(config), authenticator, new ObjectMapper());
    }

    private SigV4Authenticator sigV4(final boolean serverless) {
        return new SigV4Authenticator(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)),
                "us-east-1", serverless, CLOCK);
    }

    @Test
    void batchPredictIsSignedForEsWithBodyHashAndTheSignatureVerifies() throws Exception {
        final String host = startPlain();
        try (MlCommonsClient client = client(host, sigV4(false))) {
            final BatchPredictResponse response = client.batchPredict("model-1", new ObjectMapper().readTree("{\"parameters\":{\"jobName\":\"j\"}}"));
            assertEquals("t-1", response.taskId());
        }
        final Seen request = seen.get(0);
        assertEquals("POST", request.method());
        assertEquals("/_plugins/_ml/models/model-1/_batch_predict", request.rawPath());
        final String authorization = request.headers().get("Authorization");
        assertTrue(authorization.startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/20260301/us-east-1/es/aws4_request"), authorization);
        assertEquals(sha256Hex(request.body()), request.headers().get("x-amz-content-sha256"));
        assertEquals("20260301T120000Z", request.headers().get("X-Amz-Date"));
        assertEquals(authorization, recomputeAuthorization(request, "es"), "signature must verify over what arrived");
        assertFalse(authorization.contains(SECRET_KEY));
    }

    @Test
    void serverlessSignsForAossWithPayloadHash() throws Exception {
        final String host = startPlain();
        answer = "{\"state\":\"RUNNING\",\"remote_job\":{\"TransformJobStatus\":\"InProgress\"}}";
        try (MlCommonsClient client = client(host, sigV4(true))) {
            final TaskStatus task = client.getTask("t-1");
            assertEquals("RUNNING", task.state());
            assertEquals("InProgress", task.providerStatus().orElseThrow());
        }
        final Seen request = seen.get(0);
        assertTrue(request.headers().get("Authorization").contains("/us-east-1/aoss/aws4_request"));
        assertEquals(sha256Hex(new byte[0]), request.headers().get("x-amz-content-sha256"));
        assertEquals(request.headers().get("Authorization"), recomputeAuthorization(request, "aoss"));
    }

    @Test
    void unsignedMeansUnsignedAndBasicMeansBasic() throws Exception {
        final String host = startPlain();
        try (MlCommonsClient client = client(host, new NoAuthenticator())) {
            client.batchPredict("m", new ObjectMapper().createObjectNode());
        }
        assertNull(seen.get(0).headers().get("Authorization"));
        assertNull(seen.get(0).headers().get("X-Amz-Date"));
        try (MlCommonsClient client = client(host, new BasicAuthenticator("admin", "s3cret"))) {
            client.batchPredict("m", new ObjectMapper().createObjectNode());
        }
        assertEquals("Basic YWRtaW46czNjcmV0", seen.get(1).headers().get("Authorization"));
    }

    @Test
    void factoryHonoursAwsSigv4AndTheCredentialsSupplier() {
        final StaticCredentialsSupplier supplier = new StaticCredentialsSupplier(ACCESS_KEY, SECRET_KEY);
        final MLProcessorConfig signed = ConfigBinder.bind("host: \"https://h\"\nmodel_id: m\noutput_path: s3://bucket/out\n"
                + "aws: { region: eu-west-1, sts_role_arn: \"arn:aws:iam::123456789012:role/Pipeline\", serverless: true }\n");
        final RequestAuthenticator authenticator = MlCommonsClientFactory.authenticator(signed, supplier);
        assertEquals("aoss", ((SigV4Authenticator) authenticator).service());
        assertEquals("arn:aws:iam::123456789012:role/Pipeline", supplier.requested().get(0).getStsRoleArn());
        assertEquals("eu-west-1", supplier.requested().get(0).getRegion().id());
        final MLProcessorConfig unsigned = ConfigBinder.bind("host: \"https://h\"\nmodel_id: m\noutput_path: s3://bucket/out\n"
                + "aws: { region: eu-west-1 }\naws_sigv4: false\n");
        assertTrue(MlCommonsClientFactory.authenticator(unsigned, supplier) instanceof NoAuthenticator);
    }

    @Test
    void errorsCarryStatusTypeAndReason() throws Exception {
        final String host = startPlain();
        status = 429;
        answer = "{\"error\":{\"root_cause\":[{\"type\":\"status_exception\",\"reason\":\"Exceeded maximum limit for BATCH_PREDICTION tasks.\"}],"
                + "\"type\":\"status_exception\",\"reason\":\"Exceeded maximum limit for BATCH_PREDICTION tasks.\"},\"status\":429}";
        try (MlCommonsClient client = client(host, new NoAuthenticator())) {
            final MlCommonsException e = assertThrows(MlCommonsException.class, () -> client.batchPredict("m", new ObjectMapper().createObjectNode()));
            assertEquals(429, e.status());
            assertEquals("status_exception", e.errorType());
            assertEquals("Exceeded maximum limit for BATCH_PREDICTION tasks.", e.reason());
            status = 403;
            answer = "{\"message\":\"The request signature we calculated does not match the signature you provided.\"}";
            final MlCommonsException forbidden = assertThrows(MlCommonsException.class, () -> client.getTask("t"));
            assertEquals(403, forbidden.status());
            assertTrue(forbidden.reason().startsWith("The request signature"));
        }
    }

    @Test
    void unreachableHostIsAConnectionFailure() throws Exception {
        final int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (MlCommonsClient client = client("http://127.0.0.1:" + port, new NoAuthenticator())) {
            final MlCommonsException e = assertThrows(MlCommonsException.class, () -> client.getTask("t"));
            assertTrue(e.isConnectionFailure());
            assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
        }
    }

    @Test
    void tlsIsVerifiedUnlessInsecure() throws Exception {
        final Path keystore = dir.resolve("server.p12");
        final Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor());
        final KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        final SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        final HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.createContext("/", this::handle);
        https.start();
        server = https;
        final String host = "https://127.0.0.1:" + https.getAddress().getPort();
        answer = "{\"state\":\"COMPLETED\"}";
        final ObjectMapper mapper = new ObjectMapper();
        final MLProcessorConfig verified = ConfigBinder.bind("host: \"" + host + "\"\nmodel_id: m\noutput_path: s3://bucket/out\naws_sigv4: false\n");
        try (MlCommonsClient client = new MlCommonsClient(URI.create(host), MlCommonsClientFactory.httpClient(verified), new NoAuthenticator(), mapper)) {
            final MlCommonsException e = assertThrows(MlCommonsException.class, () -> client.getTask("t"));
            assertTrue(e.isConnectionFailure(), e.getMessage());
        }
        final MLProcessorConfig insecure = ConfigBinder.bind("host: \"" + host + "\"\nmodel_id: m\noutput_path: s3://bucket/out\naws_sigv4: false\ninsecure: true\n");
        try (MlCommonsClient client = new MlCommonsClient(URI.create(host), MlCommonsClientFactory.httpClient(insecure), new NoAuthenticator(), mapper)) {
            assertEquals("COMPLETED", client.getTask("t").state());
        }
    }

    /** Signs the request as it arrived (signed headers only) with the same key and clock: equal iff nothing changed in transit. */
    private String recomputeAuthorization(final Seen request, final String service) {
        final String authorization = request.headers().get("Authorization");
        final String signedHeaders = authorization.substring(authorization.indexOf("SignedHeaders=") + 14, authorization.indexOf(", Signature="));
        final List<String> names = new ArrayList<>(List.of(signedHeaders.split(";")));
        names.removeAll(List.of("x-amz-date", "x-amz-content-sha256"));
        final SdkHttpRequest.Builder builder = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(request.method()))
                .uri(URI.create("http://" + request.headers().get("Host") + request.rawPath()));
        for (final String name : names) {
            if (!name.equals("host")) {
                builder.putHeader(name, request.headers().get(name));
            }
        }
        return new SigV4Authenticator(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)),
                "us-east-1", service.equals("aoss"), CLOCK).authenticate(builder.build(), request.body()).firstMatchingHeader("Authorization").orElseThrow();
    }

    private static String sha256Hex(final byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
