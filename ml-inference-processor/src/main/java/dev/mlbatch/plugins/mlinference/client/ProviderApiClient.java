package dev.mlbatch.plugins.mlinference.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * Calls OpenAI's or Cohere's REST API directly with {@code Authorization: Bearer <api_key>}: multipart uploads,
 * JSON reads and downloads. Errors carry the HTTP status and the provider's own message (OpenAI
 * {@code {"error":{"message"}}}, Cohere {@code {"message"}}); the key never appears in a message.
 */
public class ProviderApiClient {
    private static final int MAX_MESSAGE_CHARS = 1000;

    private final String providerName;
    private final URI base;
    private final String apiKey;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper mapper;

    public ProviderApiClient(final String providerName, final URI base, final String apiKey, final Duration timeout, final ObjectMapper mapper) {
        this.providerName = providerName;
        final String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.mapper = mapper;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public String providerName() {
        return providerName;
    }

    public URI base() {
        return base;
    }

    /** One part of a multipart/form-data body: a plain field ({@code fileName} null) or a file. */
    public record Part(String name, String fileName, String contentType, byte[] content) {
        public static Part field(final String name, final String value) {
            return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** POST multipart/form-data to {@code path} (with its query), answered with JSON. */
    public JsonNode postMultipart(final String pathAndQuery, final Part... parts) {
        final String boundary = "mlbatch-" + UUID.randomUUID();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (final Part part : parts) {
            final StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(part.name()).append('"');
            if (part.fileName() != null) {
                head.append("; filename=\"").append(part.fileName()).append('"');
            }
            head.append("\r\n");
            if (part.contentType() != null) {
                head.append("Content-Type: ").append(part.contentType()).append("\r\n");
            }
            head.append("\r\n");
            body.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            body.writeBytes(part.content());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        final HttpRequest request = authorized(URI.create(base + pathAndQuery))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return json("POST " + pathAndQuery, send(request, "POST " + pathAndQuery));
    }

    public JsonNode getJson(final String pathAndQuery) {
        final HttpRequest request = authorized(URI.create(base + pathAndQuery)).GET().build();
        return json("GET " + pathAndQuery, send(request, "GET " + pathAndQuery));
    }

    /** GET of the provider's own path (authorized) as bytes. */
    public byte[] getBytes(final String pathAndQuery) {
        return send(authorized(URI.create(base + pathAndQuery)).GET().build(), "GET " + pathAndQuery);
    }

    /**
     * GET of a download link the provider handed out (Cohere's dataset part URLs are signed links): sent without
     * our key, which such links refuse and must not receive. A relative link is resolved against the endpoint.
     */
    public byte[] download(final String url) {
        final URI uri = URI.create(url).isAbsolute() ? URI.create(url) : URI.create(base + (url.startsWith("/") ? "" : "/") + url);
        final HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        return send(request, "GET " + withoutQuery(uri));
    }

    private HttpRequest.Builder authorized(final URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("Authorization", "Bearer " + apiKey).header("Accept", "application/json");
    }

    private byte[] send(final HttpRequest request, final String what) {
        final HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (final IOException e) {
            throw new ProviderApiException(providerName + " at " + base + " is unreachable (" + what + "): "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderApiException(providerName + " call interrupted (" + what + ")", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new ProviderApiException(response.statusCode(), providerName + " answered HTTP " + response.statusCode() + " to " + what
                    + ": " + withoutKey(message(response.body())));
        }
        return response.body();
    }

    private JsonNode json(final String what, final byte[] body) {
        try {
            return body.length == 0 ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (final IOException e) {
            throw new ProviderApiException(200, providerName + "'s answer to " + what + " is not JSON: "
                    + truncate(new String(body, StandardCharsets.UTF_8)));
        }
    }

    /** The provider's message from its error envelope, else the raw text. */
    private String message(final byte[] body) {
        final String text = new String(body, StandardCharsets.UTF_8);
        try {
            final JsonNode node = mapper.readTree(text);
            if (node != null && node.path("error").path("message").isTextual()) {
                return truncate(node.path("error").path("message").asText());
            }
            if (node != null && node.path("message").isTextual()) {
                return truncate(node.path("message").asText());
            }
        } catch (final IOException | RuntimeException notJson) {
            // keep the raw text
        }
        return truncate(text);
    }

    /** Some providers echo (part of) a wrong key in their 401 message; it must not reach a log or a dead letter. */
    private String withoutKey(final String text) {
        return apiKey == null || apiKey.length() < 4 ? text : text.replace(apiKey, "***");
    }

    private static String withoutQuery(final URI uri) {
        // Signed links carry their signature in the query: never log it.
        return uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
    }

    private static String truncate(final String text) {
        return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS) + "…";
    }

    /** Query-string encoding of one value. */
    public static String encode(final String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** For log lines: where, and how authenticated, without the key. */
    public String describe() {
        return providerName + " API at " + base + " (Bearer key)";
    }
}
