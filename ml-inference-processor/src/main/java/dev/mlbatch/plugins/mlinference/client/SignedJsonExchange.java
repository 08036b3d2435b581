package dev.mlbatch.plugins.mlinference.client;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One JSON request, signed (or authenticated) and sent over the SDK's HTTP client, and its answer read whole: the
 * part ML Commons and Bedrock calls share. Each caller maps a non-2xx answer to its service's error shape.
 */
final class SignedJsonExchange {

    /** The answer: HTTP status, body text, and the {@code x-amzn-ErrorType} header if any. */
    record Answer(int status, String body, String errorType) {
    }

    private final SdkHttpClient httpClient;
    private final RequestAuthenticator authenticator;
    private final String target;

    /** @param target how errors name the service, e.g. {@code OpenSearch at https://…} */
    SignedJsonExchange(final SdkHttpClient httpClient, final RequestAuthenticator authenticator, final String target) {
        this.httpClient = httpClient;
        this.authenticator = authenticator;
        this.target = target;
    }

    Answer send(final SdkHttpMethod method, final URI uri, final JsonNode body) throws MlCommonsException {
        final byte[] payload = body == null ? new byte[0] : body.toString().getBytes(StandardCharsets.UTF_8);
        final SdkHttpRequest.Builder builder = SdkHttpRequest.builder()
                .method(method)
                .uri(uri)
                .putHeader("Accept", "application/json");
        if (body != null) {
            builder.putHeader("Content-Type", "application/json");
            builder.putHeader("Content-Length", Integer.toString(payload.length));
        }
        final SdkHttpRequest request;
        try {
            request = authenticator.authenticate(builder.build(), payload);
        } catch (final RuntimeException e) {
            // e.g. no credentials in the default chain, or STS refused the role: nothing was sent.
            throw new MlCommonsException("cannot sign the request to " + target + " (" + authenticator.describe() + "): "
                    + e.getMessage(), e);
        }
        try {
            final HttpExecuteResponse response = httpClient.prepareRequest(HttpExecuteRequest.builder()
                    .request(request)
                    .contentStreamProvider(body == null ? null : ContentStreamProvider.fromByteArray(payload))
                    .build()).call();
            return new Answer(response.httpResponse().statusCode(), readBody(response),
                    response.httpResponse().firstMatchingHeader("x-amzn-ErrorType").orElse(null));
        } catch (final IOException | RuntimeException e) {
            throw new MlCommonsException(target + " is unreachable (" + method + " " + uri.getRawPath() + "): "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static String readBody(final HttpExecuteResponse response) throws IOException {
        if (response.responseBody().isEmpty()) {
            return "";
        }
        try (InputStream in = response.responseBody().get()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
