package dev.mlbatch.plugins.sink.opensearch;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An independent SigV4 check: rebuilds the received request (method, raw path and query, the signed headers, body),
 * signs it again with the AWS SDK's {@link AwsV4HttpSigner} using the secret the server knows, at the request's own
 * X-Amz-Date, and compares the signatures.
 */
final class SigV4Check {
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    record Result(boolean valid, String accessKey, String region, String service, String signedHeaders, String reason) {
    }

    private final String accessKey;
    private final String secretKey;

    SigV4Check(final String accessKey, final String secretKey) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    Result verify(final CapturedRequest request) {
        final String authorization = request.header("authorization");
        if (authorization == null) {
            return new Result(false, null, null, null, null, "no Authorization header");
        }
        final Matcher m = AUTHORIZATION.matcher(authorization);
        if (!m.matches()) {
            return new Result(false, null, null, null, null, "malformed Authorization header");
        }
        final String key = m.group(1);
        final String region = m.group(3);
        final String service = m.group(4);
        final String signedHeaders = m.group(5);
        if (!accessKey.equals(key)) {
            return new Result(false, key, region, service, signedHeaders, "unknown access key");
        }
        final Instant date = Instant.from(AMZ_DATE.parse(request.header("x-amz-date")));
        final String host = request.header("host");
        SdkHttpRequest.Builder rebuilt = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(request.method()))
                .uri(URI.create("http://" + host + request.rawPathAndQuery()));
        for (final String name : signedHeaders.split(";")) {
            if (name.equals("host") || name.equals("x-amz-date")) {
                continue; // the signer derives Host from the URI and X-Amz-Date from the clock
            }
            final String value = request.header(name);
            if (value == null) {
                return new Result(false, key, region, service, signedHeaders, "signed header '" + name + "' missing");
            }
            rebuilt.putHeader(name, value);
        }
        final String payloadHash = request.header("x-amz-content-sha256");
        final boolean payloadSigned = payloadHash == null || !payloadHash.equals("UNSIGNED-PAYLOAD");
        final SignedRequest resigned = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsBasicCredentials.create(accessKey, secretKey))
                .request(rebuilt.build())
                .payload(ContentStreamProvider.fromByteArray(request.body()))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, payloadSigned)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(date, ZoneOffset.UTC)));
        final String expected = resigned.request().firstMatchingHeader("Authorization").orElse("");
        final Matcher e = AUTHORIZATION.matcher(expected);
        if (!e.matches()) {
            return new Result(false, key, region, service, signedHeaders, "could not recompute");
        }
        if (!e.group(5).equals(signedHeaders)) {
            return new Result(false, key, region, service, signedHeaders,
                    "signed headers differ: got " + signedHeaders + ", recomputed " + e.group(5));
        }
        final boolean same = e.group(6).equals(m.group(6));
        return new Result(same, key, region, service, signedHeaders, same ? "ok" : "signature mismatch");
    }
}
