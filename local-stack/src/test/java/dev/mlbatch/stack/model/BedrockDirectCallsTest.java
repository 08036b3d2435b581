package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.s3.S3Server;
import dev.mlbatch.stack.s3.S3Store;
import dev.mlbatch.stack.sigv4.SignedHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model service answering Bedrock's batch inference API the way a client that calls Bedrock directly (not
 * through ML Commons) uses it: SigV4 service {@code bedrock}, restJson paths without the {@code /bedrock} prefix,
 * {@code clientRequestToken} idempotency, the job ARN or id in the path, encoded as the AWS SDKs encode it or not.
 */
class BedrockDirectCallsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path s3Dir;
    private static S3Server s3Server;
    private static S3Store s3;
    private static ModelService service;
    private static SignedHttpClient bedrock;

    @BeforeAll
    static void start() throws Exception {
        s3Server = S3Server.start(s3Dir, 0, LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY);
        s3 = new S3Store(s3Server.endpoint(), LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY, "us-east-1");
        s3.ensureBucket("bkt");
        // Slow state changes: the jobs stay active while the test looks at them.
        service = new ModelService(0, s3Server.endpoint(), new MiniLmModel(),
                new ModelServiceConfig(1, 2000L, new ModelServiceConfig.BedrockQuotas(1, 100, 20), List.of()));
        bedrock = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY, "us-east-1", "bedrock");
        s3.put("bkt", "direct/a.jsonl", "{\"recordId\":\"R1\",\"modelInput\":{\"inputText\":\"hello\"}}\n".getBytes(StandardCharsets.UTF_8),
                "application/jsonl");
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
        s3.close();
        s3Server.close();
    }

    @Test
    void theSameClientRequestTokenGetsTheSameJobAndNoSecondOne() throws Exception {
        final int before = bedrockJobs();
        final Map<String, Object> request = job("direct-idem-a1", "direct-idem-a1");
        final HttpResponse<String> first = create(request);
        assertEquals(200, first.statusCode(), first.body());
        final String arn = JSON.readTree(first.body()).path("jobArn").asText();
        assertTrue(arn.matches("arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/[a-z0-9]{12}"), arn);
        for (int i = 0; i < 3; i++) {
            final HttpResponse<String> again = create(request);
            assertEquals(200, again.statusCode(), again.body());
            assertEquals(arn, JSON.readTree(again.body()).path("jobArn").asText(), "a repeat with the same token is the same job");
        }
        assertEquals(before + 1, bedrockJobs(), "exactly one job for four creates with one token");
        assertEquals(1, listNamed("direct-idem-a1").size());
        assertEquals("direct-idem-a1", get(arn).path("clientRequestToken").asText());
    }

    @Test
    void theSameNameWithAnotherTokenOrNoneIsAConflictAndCreatesNothing() throws Exception {
        assertEquals(200, create(job("direct-conflict-a1", "token-one")).statusCode());
        final int before = bedrockJobs();
        for (final String token : new String[]{"token-two", null}) {
            final HttpResponse<String> refused = create(job("direct-conflict-a1", token));
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("x-amzn-ErrorType").orElse("").startsWith("ConflictException"), refused.headers().map().toString());
            assertTrue(refused.body().contains("already exists"), refused.body());
        }
        // A token already used for another job name is refused too, rather than answered with the other job.
        final HttpResponse<String> reused = create(job("direct-conflict-other", "token-one"));
        assertEquals(400, reused.statusCode(), reused.body());
        assertTrue(reused.headers().firstValue("x-amzn-ErrorType").orElse("").startsWith("ConflictException"));
        assertEquals(before, bedrockJobs(), "no job was added");
    }

    @Test
    void aTokenOutsideBedrocksPatternIsAValidationError() throws Exception {
        final int before = bedrockJobs();
        for (final String token : new String[]{"has space", "-leading-hyphen", "x".repeat(257), "under_score"}) {
            final HttpResponse<String> refused = create(job("direct-badtoken", token));
            assertEquals(400, refused.statusCode(), token + ": " + refused.body());
            assertTrue(refused.headers().firstValue("x-amzn-ErrorType").orElse("").startsWith("ValidationException"));
            assertTrue(refused.body().contains("clientRequestToken"), refused.body());
        }
        assertEquals(before, bedrockJobs());
    }

    @Test
    void getAndStopTakeTheArnEncodedOrNotOrTheBareId() throws Exception {
        final String arn = JSON.readTree(create(job("direct-paths-a1", "direct-paths-a1")).body()).path("jobArn").asText();
        final String id = arn.substring(arn.lastIndexOf('/') + 1);
        final String sdkEncoded = URLEncoder.encode(arn, StandardCharsets.UTF_8); // as the AWS SDKs send it
        final String slashOnly = arn.replace("/", "%2F"); // as ML Commons sends it
        for (final String identifier : new String[]{sdkEncoded, slashOnly, arn, id}) {
            for (final String prefix : new String[]{"", "/bedrock"}) {
                final HttpResponse<String> answer = bedrock.send("GET", service.url() + prefix + "/model-invocation-job/" + identifier, null);
                assertEquals(200, answer.statusCode(), identifier + ": " + answer.body());
                assertEquals(arn, JSON.readTree(answer.body()).path("jobArn").asText());
                assertEquals("direct-paths-a1", JSON.readTree(answer.body()).path("jobName").asText());
            }
        }
        final HttpResponse<String> stopped = bedrock.send("POST", service.url() + "/model-invocation-job/" + sdkEncoded + "/stop", "{}");
        assertEquals(200, stopped.statusCode(), stopped.body());
        final String status = get(arn).path("status").asText();
        assertTrue(List.of("Stopping", "Stopped").contains(status), status);
        final HttpResponse<String> unknown = bedrock.send("GET", service.url() + "/model-invocation-job/"
                + URLEncoder.encode(arn.replace(id, "zzzzzzzzzzzz"), StandardCharsets.UTF_8), null);
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.headers().firstValue("x-amzn-ErrorType").orElse("").startsWith("ResourceNotFoundException"));
    }

    @Test
    void directCallsAreVerifiedForServiceBedrock() throws Exception {
        final SignedHttpClient signedForEs = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY,
                "us-east-1", "es");
        final HttpResponse<String> wrongService = signedForEs.send("POST", service.url() + "/model-invocation-job",
                JSON.writeValueAsString(job("direct-signed", "direct-signed")));
        assertEquals(403, wrongService.statusCode(), wrongService.body());
        assertTrue(wrongService.body().contains("'bedrock'"), wrongService.body());
        final SignedHttpClient wrongSecret = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, "not-the-secret", "us-east-1", "bedrock");
        final HttpResponse<String> mismatch = wrongSecret.send("GET", service.url() + "/model-invocation-jobs", null);
        assertEquals(403, mismatch.statusCode());
        assertTrue(mismatch.headers().firstValue("x-amzn-ErrorType").orElse("").startsWith("InvalidSignatureException"));
        assertEquals(0, listNamed("direct-signed").size(), "no job from a request signed for another service");
    }

    /** The jobs the service holds, from its unsigned health route. */
    private static int bedrockJobs() throws Exception {
        final HttpResponse<String> health = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(service.url() + "/_mlbatch/health")).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(health.body()).path("bedrockJobs").asInt(-1);
    }

    private static Map<String, Object> job(final String name, final String token) {
        final Map<String, Object> body = new HashMap<>(Map.of("jobName", name, "modelId", TitanEmbedding.MODEL_ID,
                "roleArn", "arn:aws:iam::123456789012:role/BedrockBatchRole",
                "inputDataConfig", Map.of("s3InputDataConfig", Map.of("s3Uri", "s3://bkt/direct/a.jsonl")),
                "outputDataConfig", Map.of("s3OutputDataConfig", Map.of("s3Uri", "s3://bkt/direct-out/"))));
        if (token != null) {
            body.put("clientRequestToken", token);
        }
        return body;
    }

    private static HttpResponse<String> create(final Map<String, Object> body) throws Exception {
        return bedrock.send("POST", service.url() + "/model-invocation-job", JSON.writeValueAsString(body));
    }

    private static JsonNode get(final String arn) throws Exception {
        final HttpResponse<String> answer = bedrock.send("GET", service.url() + "/model-invocation-job/"
                + URLEncoder.encode(arn, StandardCharsets.UTF_8), null);
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body());
    }

    private static List<JsonNode> listNamed(final String name) throws Exception {
        final HttpResponse<String> answer = bedrock.send("GET", service.url() + "/model-invocation-jobs?nameContains=" + name
                + "&maxResults=100", null);
        assertEquals(200, answer.statusCode(), answer.body());
        final List<JsonNode> jobs = new java.util.ArrayList<>();
        JSON.readTree(answer.body()).path("invocationJobSummaries").forEach(jobs::add);
        return jobs;
    }
}
