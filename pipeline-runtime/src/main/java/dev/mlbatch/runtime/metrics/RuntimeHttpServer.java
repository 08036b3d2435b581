package dev.mlbatch.runtime.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Upstream's server API on one port: {@code /metrics/prometheus}, {@code /list} and {@code /shutdown}. */
public final class RuntimeHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeHttpServer.class);

    private final HttpServer server;

    public RuntimeHttpServer(final int port, final PrometheusMeterRegistry registry, final Supplier<List<String>> pipelineNames,
                             final Runnable shutdown) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            final Thread thread = new Thread(r, "runtime-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/metrics/prometheus", exchange ->
                respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/list", exchange -> respond(exchange, 200, "application/json",
                pipelineNames.get().stream().map(n -> "{\"name\":\"" + n.replace("\"", "\\\"") + "\"}")
                        .collect(Collectors.joining(",", "{\"pipelines\":[", "]}"))));
        server.createContext("/shutdown", exchange -> {
            if (!exchange.getRequestMethod().equals("POST") && !exchange.getRequestMethod().equals("GET")) {
                respond(exchange, 405, "text/plain", "use POST");
                return;
            }
            respond(exchange, 200, "text/plain", "shutting down\n");
            final Thread stopper = new Thread(shutdown, "runtime-shutdown");
            stopper.start();
        });
        server.start();
    }

    public int getPort() {
        return server.getAddress().getPort();
    }

    private static void respond(final HttpExchange exchange, final int status, final String contentType, final String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        LOG.debug("Runtime HTTP server stopped");
    }
}
