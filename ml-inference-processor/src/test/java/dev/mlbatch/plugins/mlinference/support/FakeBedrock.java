package dev.mlbatch.plugins.mlinference.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mlbatch.plugins.mlinference.client.SigV4Authenticator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A JDK HttpServer standing in for Bedrock's batch inference API as a direct client sees it (restJson1, wire
 * formats §5): every request must carry a SigV4 signature for service {@code bedrock} that verifies over what
 * arrived (recomputed with the SDK signer), else 403; CreateModelInvocationJob honours {@code clientRequestToken}
 * (same token → same jobArn, no new job), refuses a second job with the same name (ConflictException) and jobs over
 * the concurrent-jobs quota (ServiceQuotaExceededException); GetModelInvocationJob by ARN (encoded or not) or id;
 * ListModelInvocationJobs with {@code nameContains}. Jobs move Submitted → InProgress → their end as time passes.
 */
public final class FakeBedrock implements AutoCloseable {
    public static final String ACCESS_KEY = "AKIDEXAMPLEBEDROCK01";
    public static final String SECRET_KEY = "bedrock-fake-secret-key-for-tests";
    public static final String REGION = "us-east-1";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public record Received(String method, String rawPath, String rawQuery, Map<String, String> headers, String body, boolean signatureValid) {
    }

    private static final class Job {
        final String id;
        final String arn;
        final ObjectNode request;
        final long createdNanos = System.nanoTime();
        final Instant submitTime = Instant.now();
        volatile String finalStatus = "Completed";
        volatile String message;
        volatile boolean stopped;

        Job(final String id, final ObjectNode request) {
            this.id = id;
            this.arn = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/" + id;
            this.request = request;
        }

        String name() {
            return request.path("jobName").asText();
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Job> jobsById = new ConcurrentHashMap<>();
    private final List<String> created = new CopyOnWriteArrayList<>();
    private final Map<Predicate<String>, String[]> endings = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile int maxActiveJobs = Integer.MAX_VALUE;
    private volatile Duration jobDuration = Duration.ofMillis(300);
    private final AtomicInteger throttleNextCreates = new AtomicInteger();
    private volatile int maxActiveSeen;

    public FakeBedrock() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeBedrock maxActiveJobs(final int limit) {
        maxActiveJobs = limit;
        return this;
    }

    public FakeBedrock jobDuration(final Duration duration) {
        jobDuration = duration;
        return this;
    }

    /** The next {@code count} creates are answered 429 ThrottlingException. */
    public FakeBedrock throttleNextCreates(final int count) {
        throttleNextCreates.set(count);
        return this;
    }

    /** Jobs whose name satisfies {@code names} end with {@code status} (Failed, Expired, Stopped, PartiallyCompleted…) and {@code message}. */
    public FakeBedrock endJobs(final Predicate<String> names, final String status, final String message) {
        endings.put(names, new String[]{status, message});
        return this;
    }

    /** Every job created, by name, in order (a duplicate would appear twice). */
    public List<String> jobsCreated() {
        return List.copyOf(created);
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(final String method, final String pathPrefix) {
        return received.stream().filter(r -> r.method().equals(method) && r.rawPath().startsWith(pathPrefix)).toList();
    }

    public int maxActiveSeen() {
        return maxActiveSeen;
    }

    private synchronized void handle(final HttpExchange exchange) throws IOException {
        final byte[] bytes = exchange.getRequestBody().readAllBytes();
        final String body = new String(bytes, StandardCharsets.UTF_8);
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(",", values)));
        final String path = exchange.getRequestURI().getRawPath();
        final String query = exchange.getRequestURI().getRawQuery();
        final boolean valid = signatureVerifies(exchange.getRequestMethod(), path, query, headers, bytes);
        received.add(new Received(exchange.getRequestMethod(), path, query, headers, body, valid));
        try {
            if (!valid) {
                error(exchange, 403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.");
            } else if (exchange.getRequestMethod().equals("POST") && path.equals("/model-invocation-job")) {
                create(exchange, body);
            } else if (exchange.getRequestMethod().equals("GET") && path.startsWith("/model-invocation-job/")) {
                get(exchange, path.substring("/model-invocation-job/".length()));
            } else if (exchange.getRequestMethod().equals("GET") && path.equals("/model-invocation-jobs")) {
                list(exchange, query);
            } else {
                error(exchange, 404, "UnknownOperationException", "Unknown operation " + exchange.getRequestMethod() + " " + path);
            }
        } catch (final RuntimeException e) {
            error(exchange, 500, "InternalServerException", e.toString());
        }
    }

    private void create(final HttpExchange exchange, final String body) throws IOException {
        if (throttleNextCreates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            error(exchange, 429, "ThrottlingException", "Too many requests, please wait before trying again.");
            return;
        }
        final ObjectNode request = (ObjectNode) MAPPER.readTree(body);
        final String name = request.path("jobName").asText();
        final String token = request.path("clientRequestToken").asText(null);
        for (final Job job : jobsById.values()) {
            if (token != null && token.equals(job.request.path("clientRequestToken").asText(null))) {
                if (job.name().equals(name)) {
                    reply(exchange, 200, MAPPER.createObjectNode().put("jobArn", job.arn).toString());
                } else {
                    error(exchange, 400, "ConflictException", "The clientRequestToken was already used for a different request.");
                }
                return;
            }
        }
        if (jobsById.values().stream().anyMatch(job -> job.name().equals(name))) {
            error(exchange, 400, "ConflictException", "A model invocation job with the name " + name + " already exists.");
            return;
        }
        final long active = jobsById.values().stream().filter(job -> !isTerminal(status(job))).count();
        if (active >= maxActiveJobs) {
            error(exchange, 400, "ServiceQuotaExceededException", "You have reached the quota for number of concurrent invoke-model jobs in "
                    + "progress for this model (" + maxActiveJobs + "). Wait for a job to finish or stop a job, and try again.");
            return;
        }
        final Job job = new Job(String.format("job%09d", ids.incrementAndGet()), request);
        endings.forEach((names, ending) -> {
            if (names.test(name)) {
                job.finalStatus = ending[0];
                job.message = ending[1];
            }
        });
        jobsById.put(job.id, job);
        created.add(name);
        maxActiveSeen = (int) Math.max(maxActiveSeen, active + 1);
        reply(exchange, 200, MAPPER.createObjectNode().put("jobArn", job.arn).toString());
    }

    private void get(final HttpExchange exchange, final String rawIdentifier) throws IOException {
        final String identifier = URLDecoder.decode(rawIdentifier, StandardCharsets.UTF_8);
        final Job job = jobsById.get(identifier.substring(identifier.lastIndexOf('/') + 1));
        if (job == null) {
            error(exchange, 404, "ResourceNotFoundException", "The specified job " + identifier + " was not found.");
            return;
        }
        reply(exchange, 200, describe(job).toString());
    }

    private void list(final HttpExchange exchange, final String rawQuery) throws IOException {
        final Map<String, String> query = new TreeMap<>();
        if (rawQuery != null) {
            for (final String pair : rawQuery.split("&")) {
                final int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        final String nameContains = query.get("nameContains");
        final ObjectNode answer = MAPPER.createObjectNode();
        final ArrayNode summaries = answer.putArray("invocationJobSummaries");
        jobsById.values().stream().filter(job -> nameContains == null || job.name().contains(nameContains))
                .sorted((a, b) -> b.submitTime.compareTo(a.submitTime))
                .forEach(job -> summaries.add(describe(job)));
        reply(exchange, 200, answer.toString());
    }

    private ObjectNode describe(final Job job) {
        final ObjectNode out = MAPPER.createObjectNode();
        out.put("jobArn", job.arn);
        out.put("jobName", job.name());
        out.put("modelId", job.request.path("modelId").asText());
        out.put("clientRequestToken", job.request.path("clientRequestToken").asText(null));
        out.put("roleArn", job.request.path("roleArn").asText());
        final String status = status(job);
        out.put("status", status);
        if (isTerminal(status) && job.message != null) {
            out.put("message", job.message);
        }
        out.put("submitTime", job.submitTime.toString());
        out.put("lastModifiedTime", Instant.now().toString());
        out.set("inputDataConfig", job.request.path("inputDataConfig"));
        out.set("outputDataConfig", job.request.path("outputDataConfig"));
        if (status.equals("Completed")) {
            out.put("totalRecordCount", 1).put("processedRecordCount", 1).put("successRecordCount", 1).put("errorRecordCount", 0);
        }
        return out;
    }

    /** Submitted for the first third of the job's duration, InProgress until its end, then its final status. */
    private String status(final Job job) {
        final long elapsed = System.nanoTime() - job.createdNanos;
        if (elapsed < jobDuration.toNanos() / 3) {
            return "Submitted";
        }
        if (elapsed < jobDuration.toNanos()) {
            return job.finalStatus.equals("Stopped") ? "Stopping" : "InProgress";
        }
        return job.finalStatus;
    }

    private static boolean isTerminal(final String status) {
        return List.of("Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired").contains(status);
    }

    /** Recomputes the signature over what arrived, with the fake's key, service bedrock, the region and the request's own date. */
    private static boolean signatureVerifies(final String method, final String rawPath, final String rawQuery,
                                             final Map<String, String> headers, final byte[] body) {
        final String authorization = headers.get("Authorization");
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/")
                || headers.get("X-Amz-Date") == null) {
            return false;
        }
        try {
            if (!hex(MessageDigest.getInstance("SHA-256").digest(body)).equals(headers.get("x-amz-content-sha256"))) {
                return false;
            }
            final Instant date = AMZ_DATE.parse(headers.get("X-Amz-Date"), Instant::from);
            final String signedHeaders = authorization.substring(authorization.indexOf("SignedHeaders=") + 14, authorization.indexOf(", Signature="));
            final List<String> names = new ArrayList<>(List.of(signedHeaders.split(";")));
            names.removeAll(List.of("x-amz-date", "x-amz-content-sha256", "host"));
            final SdkHttpRequest.Builder builder = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method))
                    .uri(URI.create("http://" + headers.get("Host") + rawPath + (rawQuery == null ? "" : "?" + rawQuery)));
            names.forEach(name -> builder.putHeader(name, headers.get(name)));
            final String expected = new SigV4Authenticator(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)),
                    REGION, SigV4Authenticator.SERVICE_BEDROCK, Clock.fixed(date, ZoneOffset.UTC))
                    .authenticate(builder.build(), body).firstMatchingHeader("Authorization").orElseThrow();
            return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), authorization.getBytes(StandardCharsets.US_ASCII));
        } catch (final Exception e) {
            return false;
        }
    }

    private static String hex(final byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private static void error(final HttpExchange exchange, final int status, final String type, final String message) throws IOException {
        exchange.getResponseHeaders().add("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
        reply(exchange, status, MAPPER.createObjectNode().put("message", message).toString());
    }

    private static void reply(final HttpExchange exchange, final int status, final String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
