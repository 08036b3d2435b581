package dev.mlbatch.plugins.sink.opensearch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A JDK HttpServer on 127.0.0.1 that records every request and answers with a test-supplied function. */
final class LocalHttpServer implements AutoCloseable {
    record Answer(int status, String json) {
    }

    final List<CapturedRequest> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    LocalHttpServer(final Function<CapturedRequest, Answer> responder) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> handle(exchange, responder));
        server.start();
    }

    private void handle(final HttpExchange exchange, final Function<CapturedRequest, Answer> responder) throws IOException {
        final byte[] body = exchange.getRequestBody().readAllBytes();
        final Map<String, List<String>> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        final CapturedRequest request = new CapturedRequest(exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? ""
                        : "?" + exchange.getRequestURI().getRawQuery()), headers, body);
        requests.add(request);
        final Answer answer = responder.apply(request);
        final byte[] out = answer.json().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        if ("HEAD".equals(request.method())) {
            exchange.sendResponseHeaders(answer.status(), -1);
        } else {
            exchange.sendResponseHeaders(answer.status(), out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        }
        exchange.close();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    static final String INFO = "{\"name\":\"n\",\"cluster_name\":\"c\",\"cluster_uuid\":\"u\",\"version\":{\"distribution\":"
            + "\"opensearch\",\"number\":\"2.19.1\",\"build_type\":\"tar\",\"build_hash\":\"h\",\"build_date\":"
            + "\"2025-01-01T00:00:00Z\",\"build_snapshot\":false,\"lucene_version\":\"9.12.1\","
            + "\"minimum_wire_compatibility_version\":\"7.10.0\",\"minimum_index_compatibility_version\":\"7.0.0\"},"
            + "\"tagline\":\"The OpenSearch Project: https://opensearch.org/\"}";

    /** A bulk answer accepting every action line of the NDJSON body. */
    static String acceptAll(final byte[] ndjson) {
        final String[] lines = new String(ndjson, StandardCharsets.UTF_8).split("\n");
        final StringBuilder items = new StringBuilder();
        int n = 0;
        for (int i = 0; i < lines.length; i++) {
            final String line = lines[i].trim();
            final String action = line.startsWith("{\"index\"") ? "index" : line.startsWith("{\"create\"") ? "create"
                    : line.startsWith("{\"update\"") ? "update" : line.startsWith("{\"delete\"") ? "delete" : null;
            if (action == null) {
                continue;
            }
            if (n++ > 0) {
                items.append(',');
            }
            items.append("{\"").append(action).append("\":{\"_index\":\"i\",\"_id\":\"").append(n)
                    .append("\",\"status\":201,\"result\":\"created\"}}");
            if (!action.equals("delete")) {
                i++;
            }
        }
        return "{\"took\":1,\"errors\":false,\"items\":[" + items + "]}";
    }
}
