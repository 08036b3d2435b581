package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads and prepares state on the real OpenSearch node with plain HTTP, independently of the sink. */
final class NodeProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;

    NodeProbe(final String url) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    record Reply(int status, JsonNode body) {
    }

    Reply call(final String method, final String path, final String json) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        final String body = response.body();
        return new Reply(response.statusCode(), body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body));
    }

    long count(final String index) throws Exception {
        call("POST", "/" + index + "/_refresh", null);
        final Reply reply = call("GET", "/" + index + "/_count", null);
        return reply.status() == 404 ? 0 : reply.body().get("count").asLong();
    }

    JsonNode document(final String index, final String id) throws Exception {
        final Reply reply = call("GET", "/" + index + "/_doc/" + id, null);
        return reply.body();
    }

    void delete(final String path) throws Exception {
        call("DELETE", path, null);
    }
}
