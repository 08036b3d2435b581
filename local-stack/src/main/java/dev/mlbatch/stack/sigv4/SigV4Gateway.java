package dev.mlbatch.stack.sigv4;

import dev.mlbatch.stack.http.HttpCall;
import dev.mlbatch.stack.http.LoopbackHttpServer;
import dev.mlbatch.stack.http.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A front door for the local OpenSearch that behaves like Amazon OpenSearch Service (service
 * {@code es}) and Serverless ({@code aoss}) towards signed clients: every request must carry a valid
 * SigV4 signature by the local key; verified requests are forwarded unchanged (minus the signing
 * headers), anything else gets the service's 403.
 */
public final class SigV4Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SigV4Gateway.class);
    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "transfer-encoding",
            "keep-alive", "te", "trailer", "http2-settings");
    private static final Set<String> NOT_RETURNED = Set.of("content-length", "transfer-encoding", "connection", "keep-alive");

    private final SigV4Verifier verifier;
    private final String target;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final LoopbackHttpServer server;

    public SigV4Gateway(int port, String openSearchUrl) throws IOException {
        this.target = openSearchUrl.endsWith("/") ? openSearchUrl.substring(0, openSearchUrl.length() - 1) : openSearchUrl;
        this.verifier = SigV4Verifier.forLocalStack(Set.of("es", "aoss"), Duration.ofMinutes(5));
        this.server = new LoopbackHttpServer("sigv4-gateway", port, 16, this::handle).start();
        LOG.info("SigV4 gateway listening on {} for {}", server.url(), target);
    }

    public String url() {
        return server.url();
    }

    public int port() {
        return server.port();
    }

    Reply handle(HttpCall call) {
        SigV4Verifier.Verdict verdict = verifier.verify(call);
        if (!verdict.ok()) {
            LOG.info("refused {} {}: {}", call.method(), call.rawPath(), verdict.failure());
            return refuse(call, verdict);
        }
        return forward(call);
    }

    private static Reply refuse(HttpCall call, SigV4Verifier.Verdict verdict) {
        boolean serverless = "aoss".equals(verdict.service());
        if (serverless) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", 403);
            body.put("request-id", UUID.randomUUID().toString());
            body.put("error", Map.of("reason", "403 Forbidden", "type", "Forbidden"));
            return Reply.json(403, body).withHeader("x-aoss-response-hint", "X01:gw-helper-deny");
        }
        if (verdict.failure() == SigV4Verifier.Failure.MISSING_AUTH) {
            String action = switch (call.method()) {
                case "GET" -> "ESHttpGet";
                case "PUT" -> "ESHttpPut";
                case "DELETE" -> "ESHttpDelete";
                case "HEAD" -> "ESHttpHead";
                default -> "ESHttpPost";
            };
            return Reply.json(403, Map.of("Message", "User: anonymous is not authorized to perform: es:" + action
                    + " because no resource-based policy allows the es:" + action + " action"));
        }
        return Reply.json(403, Map.of("message", verdict.message()));
    }

    private Reply forward(HttpCall call) {
        String uri = target + call.rawPath() + (call.rawQuery() == null ? "" : "?" + call.rawQuery());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofMinutes(5))
                .method(call.method(), call.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        call.headers().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name)) {
                for (String v : values) {
                    request.header(name, v);
                }
            }
        });
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, String> headers = new LinkedHashMap<>();
            response.headers().map().forEach((name, values) -> {
                if (!NOT_RETURNED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    headers.put(name, String.join(",", values));
                }
            });
            return new Reply(response.statusCode(), headers, response.body());
        } catch (IOException e) {
            return Reply.json(502, Map.of("message", "OpenSearch at " + target + " is not reachable: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.json(503, Map.of("message", "interrupted"));
        }
    }

    @Override
    public void close() {
        server.close();
    }

    static List<String> notForwarded() {
        return List.copyOf(NOT_FORWARDED);
    }
}
