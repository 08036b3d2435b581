package dev.mlbatch.stack.sigv4;

import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.http.HttpCall;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SigV4VerifierTest {

    private static final String KEY = "AKIDLOCALTEST0001";
    private static final String SECRET = "local-secret-for-tests";
    private static final Instant NOW = Instant.parse("2025-07-30T10:15:00Z");

    private static final String ISSUED_TOKEN = "issued-session-token-for-tests";

    private final SigV4Verifier verifier = new SigV4Verifier(Map.of(KEY, SECRET), "us-east-1", Set.of(ISSUED_TOKEN),
            Set.of("sagemaker", "bedrock", "es", "aoss"), Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void acceptsWhatTheNewSdkSignerSignsLikeMlCommonsDoes() {
        HttpCall call = signWithNewSigner("POST", "http://127.0.0.1:19100/sagemaker/CreateTransformJob", "{\"a\":1}",
                "sagemaker", KEY, SECRET, NOW, false);
        assertTrue(verifier.verify(call).ok(), () -> verifier.verify(call).message());
    }

    @Test
    void acceptsAnEncodedArnInThePathDoubleEncodedInTheCanonicalForm() {
        HttpCall call = signWithNewSigner("GET",
                "http://127.0.0.1:19100/bedrock/model-invocation-job/arn:aws:bedrock:us-east-1:123456789012:model-invocation-job%2Fabcdef123456",
                "", "bedrock", KEY, SECRET, NOW, false);
        assertTrue(call.rawPath().contains("%2F"));
        assertTrue(verifier.verify(call).ok(), () -> verifier.verify(call).message());
    }

    @Test
    void acceptsQueryParametersAndAossContentHash() {
        HttpCall call = signWithNewSigner("GET", "http://127.0.0.1:19201/my-index/_search?q=title:hello%20world&size=5",
                "", "aoss", KEY, SECRET, NOW, true);
        assertTrue(call.header("x-amz-content-sha256").isPresent());
        assertTrue(verifier.verify(call).ok(), () -> verifier.verify(call).message());
    }

    @Test
    void acceptsTheLegacySignerDataPrepperUses() {
        Aws4Signer legacy = Aws4Signer.create();
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create("http://127.0.0.1:19201/_plugins/_ml/models/abc/_batch_predict"))
                .putHeader("content-type", "application/json")
                .contentStreamProvider(() -> new java.io.ByteArrayInputStream("{\"parameters\":{}}".getBytes(StandardCharsets.UTF_8)))
                .build();
        SdkHttpFullRequest signed = legacy.sign(request, Aws4SignerParams.builder()
                .awsCredentials(AwsBasicCredentials.create(KEY, SECRET))
                .signingName("es").signingRegion(Region.US_EAST_1)
                .signingClockOverride(Clock.fixed(NOW, ZoneOffset.UTC)).build());
        HttpCall call = toCall(signed, "{\"parameters\":{}}");
        assertTrue(verifier.verify(call).ok(), () -> verifier.verify(call).message());
    }

    @Test
    void rejectsAWrongSecret() {
        HttpCall call = signWithNewSigner("POST", "http://127.0.0.1:19100/sagemaker/CreateTransformJob", "{}",
                "sagemaker", KEY, "not-the-secret", NOW, false);
        assertEquals(SigV4Verifier.Failure.MISMATCH, verifier.verify(call).failure());
        assertTrue(verifier.verify(call).message().startsWith("The request signature we calculated does not match"));
    }

    @Test
    void rejectsATamperedBody() {
        HttpCall call = signWithNewSigner("POST", "http://127.0.0.1:19100/sagemaker/CreateTransformJob", "{\"n\":1}",
                "sagemaker", KEY, SECRET, NOW, false);
        HttpCall tampered = new HttpCall(call.method(), call.rawPath(), call.rawQuery(), call.headers(),
                "{\"n\":2}".getBytes(StandardCharsets.UTF_8));
        assertEquals(SigV4Verifier.Failure.MISMATCH, verifier.verify(tampered).failure());
    }

    @Test
    void rejectsAnUnknownKey() {
        HttpCall call = signWithNewSigner("POST", "http://127.0.0.1:19100/x", "{}", "bedrock", "AKIDSOMEONEELSE", SECRET, NOW, false);
        assertEquals(SigV4Verifier.Failure.UNKNOWN_KEY, verifier.verify(call).failure());
    }

    @Test
    void rejectsAStaleDate() {
        HttpCall call = signWithNewSigner("POST", "http://127.0.0.1:19100/x", "{}", "bedrock", KEY, SECRET,
                NOW.minus(Duration.ofMinutes(16)), false);
        SigV4Verifier.Verdict verdict = verifier.verify(call);
        assertEquals(SigV4Verifier.Failure.STALE, verdict.failure());
        assertTrue(verdict.message().startsWith("Signature expired: 20250730T095900Z"), verdict.message());
    }

    @Test
    void rejectsAServiceOutOfScopeAndAMissingHeader() {
        SigV4Verifier esOnly = new SigV4Verifier(Map.of(KEY, SECRET), "us-east-1", Set.of(), Set.of("es"), Duration.ofMinutes(5),
                Clock.fixed(NOW, ZoneOffset.UTC));
        HttpCall call = signWithNewSigner("GET", "http://127.0.0.1:19201/", "", "sagemaker", KEY, SECRET, NOW, false);
        assertEquals(SigV4Verifier.Failure.WRONG_SERVICE, esOnly.verify(call).failure());
        HttpCall unsigned = new HttpCall("GET", "/", null, Map.of(), new byte[0]);
        assertEquals(SigV4Verifier.Failure.MISSING_AUTH, esOnly.verify(unsigned).failure());
    }

    @Test
    void aossRequiresTheContentHashHeader() {
        HttpCall call = signWithNewSigner("GET", "http://127.0.0.1:19201/", "", "aoss", KEY, SECRET, NOW, false);
        Map<String, List<String>> headers = new LinkedHashMap<>(call.headers());
        headers.remove("x-amz-content-sha256");
        HttpCall stripped = new HttpCall(call.method(), call.rawPath(), call.rawQuery(), headers, call.body());
        assertEquals(SigV4Verifier.Failure.MISSING_CONTENT_SHA256, verifier.verify(stripped).failure());
    }

    @Test
    void rejectsACredentialScopedToAnotherRegionEvenWhenTheSignatureIsRight() {
        HttpCall call = sign("POST", "http://127.0.0.1:19100/sagemaker/ListTransformJobs", "{}", "sagemaker",
                AwsBasicCredentials.create(KEY, SECRET), "eu-west-1", NOW, false);
        SigV4Verifier.Verdict verdict = verifier.verify(call);
        assertEquals(SigV4Verifier.Failure.WRONG_REGION, verdict.failure());
        assertTrue(verdict.message().startsWith("Credential should be scoped to a valid region, not 'eu-west-1'."), verdict.message());
        assertEquals("eu-west-1", verdict.region());
    }

    @Test
    void rejectsASessionTokenItDidNotIssueAndAcceptsOneItDid() {
        HttpCall madeUp = sign("GET", "http://127.0.0.1:19201/_cluster/health", "", "es",
                AwsSessionCredentials.create(KEY, SECRET, "made-up-token"), "us-east-1", NOW, false);
        SigV4Verifier.Verdict verdict = verifier.verify(madeUp);
        assertEquals(SigV4Verifier.Failure.INVALID_TOKEN, verdict.failure());
        assertEquals("The security token included in the request is invalid.", verdict.message());
        assertFalse(verdict.message().contains("made-up-token"));

        HttpCall issued = sign("GET", "http://127.0.0.1:19201/_cluster/health", "", "es",
                AwsSessionCredentials.create(KEY, SECRET, ISSUED_TOKEN), "us-east-1", NOW, false);
        assertTrue(issued.header("x-amz-security-token").isPresent());
        assertTrue(verifier.verify(issued).ok(), () -> verifier.verify(issued).message());

        // The token is a signed header: swapping in another one after signing breaks the signature.
        Map<String, List<String>> headers = new LinkedHashMap<>(madeUp.headers());
        headers.put("x-amz-security-token", List.of(ISSUED_TOKEN));
        HttpCall swapped = new HttpCall(madeUp.method(), madeUp.rawPath(), madeUp.rawQuery(), headers, madeUp.body());
        assertEquals(SigV4Verifier.Failure.MISMATCH, verifier.verify(swapped).failure());
    }

    @Test
    void theLocalStackVerifierIssuesNoTokensAndServesUsEast1() {
        SigV4Verifier local = SigV4Verifier.forLocalStack(Set.of("sagemaker"), Duration.ofMinutes(15));
        Instant now = Instant.now();
        HttpCall plain = sign("POST", "http://127.0.0.1:19100/sagemaker/ListTransformJobs", "{}", "sagemaker",
                AwsBasicCredentials.create(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY), "us-east-1", now, false);
        assertTrue(local.verify(plain).ok(), () -> local.verify(plain).message());
        HttpCall withToken = sign("POST", "http://127.0.0.1:19100/sagemaker/ListTransformJobs", "{}", "sagemaker",
                AwsSessionCredentials.create(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY, "any"),
                "us-east-1", now, false);
        assertEquals(SigV4Verifier.Failure.INVALID_TOKEN, local.verify(withToken).failure());
        HttpCall otherRegion = sign("POST", "http://127.0.0.1:19100/sagemaker/ListTransformJobs", "{}", "sagemaker",
                AwsBasicCredentials.create(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY), "us-west-2", now, false);
        assertEquals(SigV4Verifier.Failure.WRONG_REGION, local.verify(otherRegion).failure());
    }

    static HttpCall signWithNewSigner(String method, String url, String body, String service, String key, String secret,
                                      Instant at, boolean contentSha) {
        return sign(method, url, body, service, AwsBasicCredentials.create(key, secret), "us-east-1", at, contentSha);
    }

    static HttpCall sign(String method, String url, String body, String service, AwsCredentialsIdentity identity, String region,
                         Instant at, boolean contentSha) {
        URI uri = URI.create(url);
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri)
                .putHeader("Content-Type", "application/json");
        if (contentSha) {
            request.putHeader("x-amz-content-sha256", "required");
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!body.isEmpty()) {
            request.putHeader("Content-Length", Integer.toString(bytes.length));
        }
        var signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(identity)
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(bytes))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                .putProperty(software.amazon.awssdk.http.auth.spi.signer.HttpSigner.SIGNING_CLOCK,
                        Clock.fixed(at, ZoneOffset.UTC)));
        return toCall(signed.request(), body);
    }

    static HttpCall toCall(SdkHttpRequest signed, String body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        signed.forEachHeader((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), new ArrayList<>(v)));
        headers.putIfAbsent("host", List.of(signed.host() + (signed.port() > 0 && signed.port() != 80 ? ":" + signed.port() : "")));
        String rawQuery = signed.encodedQueryParameters().orElse(null);
        return new HttpCall(signed.method().name(), signed.encodedPath(), rawQuery, headers, body.getBytes(StandardCharsets.UTF_8));
    }
}
