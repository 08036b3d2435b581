package dev.mlbatch.plugins.sink.opensearch;

import dev.mlbatch.testing.aws.StaticCredentialsSupplier;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.sink.SinkContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests signed by the sink (service es and aoss) are checked by an independent recomputation with the AWS SDK's
 * signer; a sink holding a wrong secret is rejected by that check and its documents are not acknowledged.
 */
class SigV4SigningTest {
    private static final String ACCESS_KEY = "AKIDEXAMPLE12345";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private final SigV4Check check = new SigV4Check(ACCESS_KEY, SECRET);

    /** A server that, like AWS, answers 403 unless the signature verifies with the secret it knows. */
    private LocalHttpServer verifyingServer() throws Exception {
        return new LocalHttpServer(request -> {
            final SigV4Check.Result result = check.verify(request);
            if (!result.valid()) {
                return new LocalHttpServer.Answer(403, "{\"status\":403,\"error\":{\"type\":\"Forbidden\",\"reason\":\""
                        + result.reason() + "\"}}");
            }
            if (request.rawPathAndQuery().startsWith("/_bulk")) {
                return new LocalHttpServer.Answer(200, LocalHttpServer.acceptAll(request.body()));
            }
            return new LocalHttpServer.Answer(200, LocalHttpServer.INFO);
        });
    }

    private OpenSearchSink sink(final String url, final boolean serverless, final String secret, final Path dlq) {
        final OpenSearchSinkConfig config = TestConfigs.bind(Map.of(
                "hosts", List.of(url),
                "aws", Map.of("region", "eu-west-1", "serverless", serverless),
                "index", "signed-docs", "index_type", "management_disabled",
                "flush_timeout", -1, "max_retries", 0, "dlq_file", dlq.toString()));
        return new OpenSearchSink(TestEvents.setting("sigv4"), config, new SinkContext(null), null,
                new StaticCredentialsSupplier(ACCESS_KEY, secret));
    }

    @Test
    void esRequestsVerifyWithTheSdkSigner() throws Exception {
        final Path dlq = Files.createTempDirectory("dlq").resolve("dlq.ndjson");
        try (LocalHttpServer server = verifyingServer()) {
            final OpenSearchSink sink = sink(server.url(), false, SECRET, dlq);
            sink.initialize();
            assertTrue(sink.isReady(), "GET / signed for es must verify");
            final TestEvents events = new TestEvents();
            sink.output(events.records(List.of(Map.of("text", "a"), Map.of("text", "b"))));
            sink.shutdown();

            final CapturedRequest bulk = server.requests.stream().filter(r -> r.rawPathAndQuery().startsWith("/_bulk"))
                    .findFirst().orElseThrow();
            final SigV4Check.Result result = check.verify(bulk);
            assertTrue(result.valid(), result.reason());
            assertEquals("es", result.service());
            assertEquals("eu-west-1", result.region());
            assertEquals(2, events.count(true));
        }
    }

    @Test
    void aossRequestsCarryThePayloadHashAndVerify() throws Exception {
        final Path dlq = Files.createTempDirectory("dlq").resolve("dlq.ndjson");
        try (LocalHttpServer server = verifyingServer()) {
            final OpenSearchSink sink = sink(server.url(), true, SECRET, dlq);
            sink.initialize();
            assertTrue(sink.isReady());
            final TestEvents events = new TestEvents();
            sink.output(events.records(List.of(Map.of("text", "a"))));
            sink.shutdown();

            final CapturedRequest bulk = server.requests.get(0);
            final SigV4Check.Result result = check.verify(bulk);
            assertTrue(result.valid(), result.reason());
            assertEquals("aoss", result.service());
            final String expectedHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bulk.body()));
            assertEquals(expectedHash, bulk.header("x-amz-content-sha256"));
            assertTrue(result.signedHeaders().contains("x-amz-content-sha256"), result.signedHeaders());
            assertEquals(1, events.count(true));
        }
    }

    @Test
    void wrongSecretIsRejected() throws Exception {
        final Path dlq = Files.createTempDirectory("dlq").resolve("dlq.ndjson");
        try (LocalHttpServer server = verifyingServer()) {
            final OpenSearchSink esSink = sink(server.url(), false, "not-the-secret", dlq);
            esSink.initialize();
            assertFalse(esSink.isReady(), "a 403 at start-up keeps the sink not ready");
            assertEquals("signature mismatch", check.verify(server.requests.get(0)).reason());
            esSink.shutdown();

            final OpenSearchSink aossSink = sink(server.url(), true, "not-the-secret", dlq);
            aossSink.initialize();
            final TestEvents events = new TestEvents();
            aossSink.output(events.records(List.of(Map.of("text", "a"))));
            aossSink.shutdown();
            assertFalse(check.verify(server.requests.get(server.requests.size() - 1)).valid());
            assertEquals(1, events.count(false), "a rejected document is acknowledged negatively");
            final List<String> lines = Files.readAllLines(dlq);
            assertEquals(1, lines.size());
            assertTrue(lines.get(0).contains("\"status\":403"), lines.get(0));
            assertTrue(lines.get(0).contains("\"document\":{\"text\":\"a\"}"), lines.get(0));
        }
    }
}
