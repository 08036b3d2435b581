package dev.mlbatch.stack.sigv4;

import dev.mlbatch.stack.http.StaleConnectionRetry;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Sends JSON requests signed with SigV4 (the SDK's signer) to a local endpoint, e.g. the model service. Requests
 * that may run twice (idempotent methods, and the read operations {@code Describe*}, {@code List*}, {@code Get*})
 * are sent once more when a reused keep-alive connection turns out to be closed ({@link StaleConnectionRetry}).
 */
public final class SignedHttpClient {

    private static final Set<String> SET_BY_CLIENT = Set.of("host", "content-length");
    private static final Set<String> READ_OPERATION_PREFIXES = Set.of("Describe", "List", "Get");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AwsCredentialsIdentity credentials;
    private final String region;
    private final String service;

    public SignedHttpClient(String accessKey, String secretKey, String region, String service) {
        this(AwsBasicCredentials.create(accessKey, secretKey), region, service);
    }

    /** With any identity, e.g. session credentials (their token is sent as {@code X-Amz-Security-Token}). */
    public SignedHttpClient(AwsCredentialsIdentity credentials, String region, String service) {
        this.credentials = credentials;
        this.region = region;
        this.service = service;
    }

    public HttpResponse<String> send(String method, String url, String json) throws IOException, InterruptedException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        // Signed once: a retry within the signature's validity sends the same bytes.
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
        return StaleConnectionRetry.send(http, out.build(), HttpResponse.BodyHandlers.ofString(), mayRepeat(method, url));
    }

    /** Idempotent methods, and AWS read operations named by the last path segment (SageMaker's {@code POST /sagemaker/ListTransformJobs}). */
    static boolean mayRepeat(String method, String url) {
        if (StaleConnectionRetry.idempotentMethod(method)) {
            return true;
        }
        String path = URI.create(url).getPath();
        String operation = path.substring(path.lastIndexOf('/') + 1);
        return READ_OPERATION_PREFIXES.stream().anyMatch(operation::startsWith);
    }
}
