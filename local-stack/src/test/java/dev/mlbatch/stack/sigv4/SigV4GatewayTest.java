package dev.mlbatch.stack.sigv4;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.http.LoopbackHttpServer;
import dev.mlbatch.stack.http.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway in process in front of a stand-in upstream that counts what reaches it: a signature for another
 * region or with a session token the stack did not issue gets 403 and never reaches the upstream.
 */
class SigV4GatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger FORWARDED = new AtomicInteger();
    private static LoopbackHttpServer upstream;
    private static SigV4Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = new LoopbackHttpServer("upstream", 0, 2, call -> {
            FORWARDED.incrementAndGet();
            return Reply.json(200, Map.of("cluster_name", "stand-in"));
        }).start();
        gateway = new SigV4Gateway(0, upstream.url());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void refusesAnotherRegion() throws Exception {
        int before = FORWARDED.get();
        for (String service : new String[] {"es", "aoss"}) {
            SignedHttpClient eu = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY,
                    "eu-west-1", service);
            HttpResponse<String> r = eu.send("GET", gateway.url() + "/_cluster/health", null);
            assertEquals(403, r.statusCode(), service + ": " + r.body());
            if (service.equals("es")) {
                assertTrue(JSON.readTree(r.body()).path("message").asText()
                        .startsWith("Credential should be scoped to a valid region, not 'eu-west-1'."), r.body());
            } else {
                assertEquals("Forbidden", JSON.readTree(r.body()).path("error").path("type").asText());
            }
        }
        assertEquals(before, FORWARDED.get(), "nothing was forwarded");
    }

    @Test
    void refusesASessionTokenItDidNotIssue() throws Exception {
        int before = FORWARDED.get();
        SignedHttpClient withToken = new SignedHttpClient(AwsSessionCredentials.create(LocalCredentials.ACCESS_KEY_ID,
                LocalCredentials.SECRET_ACCESS_KEY, "made-up-token"), LocalCredentials.REGION, "es");
        HttpResponse<String> r = withToken.send("GET", gateway.url() + "/_cluster/health", null);
        assertEquals(403, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("The security token included in the request is invalid.", body.path("message").asText());
        assertFalse(r.body().contains("made-up-token"));
        assertEquals(before, FORWARDED.get(), "nothing was forwarded");
    }

    @Test
    void forwardsARightSignature() throws Exception {
        int before = FORWARDED.get();
        SignedHttpClient ok = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY,
                LocalCredentials.REGION, "es");
        HttpResponse<String> r = ok.send("GET", gateway.url() + "/_cluster/health", null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("stand-in", JSON.readTree(r.body()).path("cluster_name").asText());
        assertEquals(before + 1, FORWARDED.get());
    }
}
