package dev.mlbatch.stack.sigv4;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/** Sends JSON requests signed with SigV4 (the SDK's signer) to a local endpoint, e.g. the model service. */
public final class SignedHttpClient {

    private static final Set<String> SET_BY_CLIENT = Set.of("host", "content-length");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AwsBasicCredentials credentials;
    private final String region;
    private final String service;

    public SignedHttpClient(String accessKey, String secretKey, String region, String service) {
        this.credentials = AwsBasicCredentials.create(accessKey, secretKey);
        this.region = region;
        this.service = service;
    }

    public HttpResponse<String> send(String method, String url, String json) throws IOException, InterruptedException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(URI.create(url))
                .putHeader("Content-Type", "application/json").build();
        var signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials)
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true));
        HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request().forEachHeader((name, values) -> {
            if (!SET_BY_CLIENT.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> out.header(name, v));
            }
        });
        return http.send(out.build(), HttpResponse.BodyHandlers.ofString());
    }
}
