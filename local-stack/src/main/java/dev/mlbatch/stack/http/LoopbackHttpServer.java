package dev.mlbatch.stack.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The JDK HTTP server bound to 127.0.0.1, turning each exchange into an {@link HttpCall} and a
 * handler's {@link Reply} back into bytes. Port 0 picks a free port.
 */
public final class LoopbackHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoopbackHttpServer.class);

    static {
        // The JDK server writes a reply's headers and body apart; with Nagle on, a keep-alive client that delays its
        // ACKs waited 40 ms for every body (seen as 40 ms extra per real-time embedding, so per neural query).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Function<HttpCall, Reply> handler;
    private HttpServer alias;

    public LoopbackHttpServer(String name, int port, int threads, Function<HttpCall, Reply> handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name + "-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> serve(exchange, handler));
        this.handler = handler;
    }

    /** Serves the same handler on {@code address} too, on the same port (see {@link PublicLoopbackAddress}). */
    public LoopbackHttpServer alsoOn(InetAddress address) throws IOException {
        alias = HttpServer.create(new InetSocketAddress(address, port()), 128);
        alias.setExecutor(executor);
        alias.createContext("/", exchange -> serve(exchange, handler));
        alias.start();
        return this;
    }

    public LoopbackHttpServer start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    private static void serve(HttpExchange exchange, Function<HttpCall, Reply> handler) {
        try (exchange) {
            Reply reply;
            try {
                reply = handler.apply(read(exchange));
            } catch (RuntimeException e) {
                LOG.warn("request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e);
                reply = Reply.json(500, Map.of("message", "internal error: " + e.getMessage()));
            }
            write(exchange, reply);
        } catch (IOException e) {
            LOG.debug("client went away: {}", e.toString());
        }
    }

    private static HttpCall read(HttpExchange exchange) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), new ArrayList<>(v)));
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        var uri = exchange.getRequestURI();
        return new HttpCall(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), headers, body);
    }

    private static void write(HttpExchange exchange, Reply reply) throws IOException {
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        boolean noBody = reply.body().length == 0 || "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(reply.status(), noBody ? -1 : reply.body().length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    @Override
    public void close() {
        if (alias != null) {
            alias.stop(0);
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
