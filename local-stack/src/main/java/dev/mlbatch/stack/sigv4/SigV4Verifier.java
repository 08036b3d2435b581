package dev.mlbatch.stack.sigv4;

import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.http.HttpCall;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.regions.Region;
import java.io.ByteArrayInputStream;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the SigV4 {@code Authorization} header of a received request by recomputing the
 * signature with the AWS SDK's own signer ({@link AwsV4HttpSigner}) over the request as it arrived:
 * same raw path, query, signed headers, body, date, region and service. Like AWS, it refuses a
 * credential scope naming another region and an {@code X-Amz-Security-Token} it did not issue
 * (a signature over a made-up token would otherwise verify: the token is just another signed
 * header). Never logs or returns a secret, a session token or a signature.
 */
public final class SigV4Verifier {

    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** Why a request was refused. */
    public enum Failure {
        MISSING_AUTH, MALFORMED, UNKNOWN_KEY, INVALID_TOKEN, WRONG_REGION, STALE, WRONG_SERVICE, MISSING_CONTENT_SHA256, MISMATCH
    }

    /** AWS's words for a key or a session token it does not know. */
    public static final String INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid.";

    /** The outcome: ok, or a failure with a message fit for the caller (no secrets in it). */
    public record Verdict(Failure failure, String message, String accessKey, String service, String region) {
        public boolean ok() {
            return failure == null;
        }
    }

    private final Map<String, String> secretsByAccessKey;
    private final String region;
    private final Set<String> issuedSessionTokens;
    private final Set<String> services;
    private final Duration maxSkew;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * @param region              the only region a credential scope may name
     * @param issuedSessionTokens the session tokens this verifier accepts in {@code X-Amz-Security-Token}; any other
     *                            token is refused
     */
    public SigV4Verifier(Map<String, String> secretsByAccessKey, String region, Set<String> issuedSessionTokens,
                         Set<String> services, Duration maxSkew, Clock clock) {
        this.secretsByAccessKey = Map.copyOf(secretsByAccessKey);
        this.region = region;
        this.issuedSessionTokens = Set.copyOf(issuedSessionTokens);
        this.services = Set.copyOf(services);
        this.maxSkew = maxSkew;
        this.clock = clock;
    }

    /**
     * The verifier of every signed endpoint of the local stack (model service, gateway): the local key, the
     * stack's region, and no session tokens (the stack issues none, so any token is refused).
     */
    public static SigV4Verifier forLocalStack(Set<String> services, Duration maxSkew) {
        return new SigV4Verifier(Map.of(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY),
                LocalCredentials.REGION, Set.of(), services, maxSkew, Clock.systemUTC());
    }

    public Verdict verify(HttpCall call) {
        Optional<String> auth = call.header("authorization");
        if (auth.isEmpty() || !auth.get().startsWith("AWS4-HMAC-SHA256 ")) {
            return fail(Failure.MISSING_AUTH, "Missing Authentication Token", null, null, null);
        }
        AuthorizationHeader header;
        try {
            header = AuthorizationHeader.parse(auth.get());
        } catch (IllegalArgumentException e) {
            return fail(Failure.MALFORMED, e.getMessage(), null, null, null);
        }
        String secret = secretsByAccessKey.get(header.accessKey());
        if (secret == null) {
            return fail(Failure.UNKNOWN_KEY, INVALID_TOKEN_MESSAGE, header.accessKey(), header.service(), header.region());
        }
        Optional<String> token = call.header("x-amz-security-token");
        if (token.isPresent() && !issued(token.get())) {
            return fail(Failure.INVALID_TOKEN, INVALID_TOKEN_MESSAGE, header.accessKey(), header.service(), header.region());
        }
        if (!region.equals(header.region())) {
            return fail(Failure.WRONG_REGION, "Credential should be scoped to a valid region, not '" + header.region()
                    + "'. This endpoint serves '" + region + "'.", header.accessKey(), header.service(), header.region());
        }
        if (!services.contains(header.service())) {
            return fail(Failure.WRONG_SERVICE, "Credential should be scoped to correct service: '"
                    + String.join("' or '", services) + "'.", header.accessKey(), header.service(), header.region());
        }
        Optional<String> amzDate = call.header("x-amz-date");
        Instant signedAt;
        try {
            signedAt = AMZ_DATE.parse(amzDate.orElseThrow(), Instant::from);
        } catch (RuntimeException e) {
            return fail(Failure.MALFORMED, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
                    header.accessKey(), header.service(), header.region());
        }
        if (!amzDate.get().startsWith(header.date())) {
            return fail(Failure.MALFORMED, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + header.date() + "' != '" + amzDate.get().substring(0, 8) + "'", header.accessKey(), header.service(), header.region());
        }
        Instant now = clock.instant();
        if (Duration.between(signedAt, now).abs().compareTo(maxSkew) > 0) {
            return fail(Failure.STALE, "Signature expired: " + amzDate.get() + " is now earlier than "
                    + AMZ_DATE.format(now.minus(maxSkew)) + " (" + AMZ_DATE.format(now) + " - " + maxSkew.toMinutes() + " min.)",
                    header.accessKey(), header.service(), header.region());
        }
        if ("aoss".equals(header.service()) && call.header("x-amz-content-sha256").isEmpty()) {
            return fail(Failure.MISSING_CONTENT_SHA256, "x-amz-content-sha256 header is required for aoss",
                    header.accessKey(), header.service(), header.region());
        }
        // Non-S3 services canonicalise the path double-encoded; S3-style clients single-encode.
        // Both forms prove knowledge of the secret, so either is accepted.
        for (boolean doubleEncode : new boolean[] {true, false}) {
            String expected = recompute(call, header, secret, signedAt, doubleEncode);
            if (expected != null && java.security.MessageDigest.isEqual(
                    expected.getBytes(StandardCharsets.US_ASCII), header.signature().getBytes(StandardCharsets.US_ASCII))) {
                return new Verdict(null, "ok", header.accessKey(), header.service(), header.region());
            }
        }
        return fail(Failure.MISMATCH, "The request signature we calculated does not match the signature you provided. "
                + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                header.accessKey(), header.service(), header.region());
    }

    private boolean issued(String token) {
        byte[] presented = token.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (String known : issuedSessionTokens) {
            found |= java.security.MessageDigest.isEqual(presented, known.getBytes(StandardCharsets.UTF_8));
        }
        return found;
    }

    private String recompute(HttpCall call, AuthorizationHeader header, String secret, Instant signedAt, boolean doubleEncode) {
        String host = call.header("host").orElse("127.0.0.1");
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(call.method()))
                .protocol("http")
                .host(hostName(host))
                .encodedPath(call.rawPath() == null || call.rawPath().isEmpty() ? "/" : call.rawPath());
        int port = hostPort(host);
        if (port > 0) {
            request.port(port);
        }
        request.rawQueryParameters(decodeQuery(call.rawQuery()));
        for (String name : header.signedHeaders()) {
            List<String> values = call.headers().get(name);
            if (values != null) {
                request.putHeader(name, String.join(",", values));
            }
        }
        Optional<String> token = call.header("x-amz-security-token");
        AwsCredentialsIdentity identity = token.isPresent()
                ? AwsSessionCredentials.create(header.accessKey(), secret, token.get())
                : AwsBasicCredentials.create(header.accessKey(), secret);
        String authorization = header.signedHeaders().contains("x-amz-content-sha256")
                ? signWithCurrentSigner(call, request.build(), header, identity, signedAt, doubleEncode)
                : signWithLegacySigner(call, request.build(), header, identity, signedAt, doubleEncode);
        AuthorizationHeader recomputed = AuthorizationHeader.parse(authorization);
        // If the SDK signed a different header set than the client, the signatures cannot match.
        if (!recomputed.signedHeaders().equals(header.signedHeaders())) {
            return null;
        }
        return recomputed.signature();
    }

    /**
     * The current signer always adds and signs {@code x-amz-content-sha256}, so it reproduces only
     * clients that signed that header (new SDK signer, aoss clients).
     */
    private String signWithCurrentSigner(HttpCall call, SdkHttpRequest request, AuthorizationHeader header,
                                         AwsCredentialsIdentity identity, Instant signedAt, boolean doubleEncode) {
        boolean unsigned = call.header("x-amz-content-sha256").map("UNSIGNED-PAYLOAD"::equals).orElse(false);
        SignedRequest signed = signer.sign(r -> r
                .identity(identity)
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(call.body()))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, header.service())
                .putProperty(AwsV4HttpSigner.REGION_NAME, header.region())
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, doubleEncode)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, doubleEncode)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, !unsigned)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
        return signed.request().firstMatchingHeader("Authorization").orElseThrow();
    }

    /**
     * Clients that did not sign {@code x-amz-content-sha256} (ML Commons 2.19's bundled SDK, Data
     * Prepper's {@code Aws4Signer}) are reproduced with the SDK's legacy signer, which hashes the
     * body without adding that header.
     */
    @SuppressWarnings("deprecation")
    private static String signWithLegacySigner(HttpCall call, SdkHttpRequest request, AuthorizationHeader header,
                                               AwsCredentialsIdentity identity, Instant signedAt, boolean doubleEncode) {
        SdkHttpFullRequest full = SdkHttpFullRequest.builder()
                .method(request.method()).protocol(request.protocol()).host(request.host()).port(request.port())
                .encodedPath(request.encodedPath()).rawQueryParameters(request.rawQueryParameters())
                .headers(request.headers())
                .contentStreamProvider(() -> new ByteArrayInputStream(call.body()))
                .build();
        AwsCredentials credentials = identity instanceof AwsSessionCredentials session ? session
                : AwsBasicCredentials.create(identity.accessKeyId(), identity.secretAccessKey());
        SdkHttpFullRequest signed = Aws4Signer.create().sign(full, Aws4SignerParams.builder()
                .awsCredentials(credentials)
                .signingName(header.service())
                .signingRegion(Region.of(header.region()))
                .doubleUrlEncode(doubleEncode)
                .signingClockOverride(Clock.fixed(signedAt, ZoneOffset.UTC))
                .build());
        return signed.firstMatchingHeader("Authorization").orElseThrow();
    }

    private static Map<String, List<String>> decodeQuery(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%20"), StandardCharsets.UTF_8);
    }

    private static String hostName(String host) {
        int colon = host.lastIndexOf(':');
        return colon > 0 && !host.endsWith("]") ? host.substring(0, colon) : host;
    }

    private static int hostPort(String host) {
        int colon = host.lastIndexOf(':');
        if (colon > 0 && !host.endsWith("]")) {
            try {
                return Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    private static Verdict fail(Failure failure, String message, String key, String service, String region) {
        return new Verdict(failure, message, key, service, region);
    }

    /** The parsed {@code Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...}. */
    record AuthorizationHeader(String accessKey, String date, String region, String service,
                               List<String> signedHeaders, String signature) {

        static AuthorizationHeader parse(String value) {
            String rest = value.substring("AWS4-HMAC-SHA256".length()).trim();
            Map<String, String> parts = new LinkedHashMap<>();
            for (String part : rest.split(",")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
                }
            }
            String credential = parts.get("Credential");
            String signedHeaders = parts.get("SignedHeaders");
            String signature = parts.get("Signature");
            if (credential == null || signedHeaders == null || signature == null) {
                throw new IllegalArgumentException("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
            }
            String[] scope = credential.split("/");
            if (scope.length != 5 || !"aws4_request".equals(scope[4])) {
                throw new IllegalArgumentException("Credential should be scoped to a valid region, service and aws4_request terminator.");
            }
            List<String> headers = Arrays.stream(signedHeaders.split(";"))
                    .map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
            return new AuthorizationHeader(scope[0], scope[1], scope[2], scope[3], headers, signature);
        }
    }

    static String formatAmzDate(Instant instant) {
        return AMZ_DATE.format(instant);
    }

    static Instant parseAmzDate(String value) throws DateTimeParseException {
        return AMZ_DATE.parse(value, Instant::from);
    }
}
