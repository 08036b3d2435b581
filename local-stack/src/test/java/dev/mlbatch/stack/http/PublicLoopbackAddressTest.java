package dev.mlbatch.stack.http;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PublicLoopbackAddressTest {

    @Test
    void theAliasIsAnAddressMlCommonsDoesNotTakeForAPrivateOne() throws Exception {
        final InetAddress address = InetAddress.getByName(PublicLoopbackAddress.ADDRESS);
        // ML Commons' check (2.19) refuses loopback, site-local, link-local and any-local addresses.
        assertFalse(address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress(), address + " would be refused");
    }

    @Test
    void aServerAnswersOnTheAliasAndOn127001AtTheSamePort() throws Exception {
        final Optional<InetAddress> alias = PublicLoopbackAddress.ensure();
        assumeTrue(alias.isPresent(), PublicLoopbackAddress.reason());
        try (LoopbackHttpServer server = new LoopbackHttpServer("alias-test", 0, 1,
                call -> Reply.json(200, Map.of("path", call.rawPath()))).start().alsoOn(alias.get())) {
            final HttpClient http = HttpClient.newHttpClient();
            for (final String base : new String[]{server.url(), "http://" + PublicLoopbackAddress.ADDRESS + ":" + server.port()}) {
                final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/openai/v1/files")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), base);
                assertEquals("{\"path\":\"/openai/v1/files\"}", response.body(), base);
            }
        }
    }
}
