package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.s3.S3Server;
import dev.mlbatch.stack.s3.S3Store;
import dev.mlbatch.stack.sigv4.SignedHttpClient;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model service in process, with a real s3proxy and the real MiniLM model: SageMaker transform
 * semantics, Bedrock validation, quotas, idempotency and injected faults.
 */
class ModelServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path s3Dir;
    private static S3Server s3Server;
    private static S3Store s3;
    private static ModelService service;
    private static SignedHttpClient sageMaker;
    private static SignedHttpClient bedrock;
    private static MiniLmModel model;

    @BeforeAll
    static void start() throws Exception {
        s3Server = S3Server.start(s3Dir, 0, LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY);
        s3 = new S3Store(s3Server.endpoint(), LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY, "us-east-1");
        s3.ensureBucket("bkt");
        service = new ModelService(0, s3Server.endpoint(), model = new MiniLmModel(), ModelServiceConfig.defaults());
        sageMaker = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY, "us-east-1", "sagemaker");
        bedrock = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY, "us-east-1", "bedrock");
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
        s3.close();
        s3Server.close();
    }

    @BeforeEach
    void reset() {
        service.configure(ModelServiceConfig.defaults());
    }

    @Test
    void refusesAnotherRegionAndSessionTokensItDidNotIssueForBothProviders() throws Exception {
        SignedHttpClient euSageMaker = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY,
                "eu-west-1", "sagemaker");
        HttpResponse<String> region = euSageMaker.send("POST", service.url() + "/sagemaker/ListTransformJobs", "{}");
        assertEquals(403, region.statusCode(), region.body());
        assertEquals("InvalidSignatureException", JSON.readTree(region.body()).path("__type").asText());
        assertTrue(JSON.readTree(region.body()).path("message").asText()
                .startsWith("Credential should be scoped to a valid region, not 'eu-west-1'."), region.body());

        SignedHttpClient tokenBedrock = new SignedHttpClient(AwsSessionCredentials.create(LocalCredentials.ACCESS_KEY_ID,
                LocalCredentials.SECRET_ACCESS_KEY, "made-up-session-token"), "us-east-1", "bedrock");
        HttpResponse<String> token = tokenBedrock.send("GET", service.url() + "/bedrock/model-invocation-jobs", null);
        assertEquals(403, token.statusCode(), token.body());
        assertEquals("The security token included in the request is invalid.", JSON.readTree(token.body()).path("message").asText());
        assertTrue(token.headers().firstValue("x-amzn-ErrorType").orElse("").startsWith("UnrecognizedClientException"));
        assertFalse(token.body().contains("made-up-session-token"));

        SignedHttpClient tokenSageMaker = new SignedHttpClient(AwsSessionCredentials.create(LocalCredentials.ACCESS_KEY_ID,
                LocalCredentials.SECRET_ACCESS_KEY, "made-up-session-token"), "us-east-1", "sagemaker");
        HttpResponse<String> sageMakerToken = tokenSageMaker.send("POST", service.url() + "/sagemaker/ListTransformJobs", "{}");
        assertEquals(403, sageMakerToken.statusCode());
        assertEquals("UnrecognizedClientException", JSON.readTree(sageMakerToken.body()).path("__type").asText());

        assertEquals(200, sageMaker.send("POST", service.url() + "/sagemaker/ListTransformJobs", "{}").statusCode());
        assertEquals(200, bedrock.send("GET", service.url() + "/bedrock/model-invocation-jobs", null).statusCode());
    }

    @Test
    void transformJobJoinsFiltersAndKeepsRelativeKeys() throws Exception {
        s3.put("bkt", "in/t1/sub/a.jsonl", "{\"id\":1,\"text\":\"hello\"}\n{\"id\":2,\"text\":\"world\"}\n".getBytes(StandardCharsets.UTF_8), "application/json");
        JsonNode created = call("CreateTransformJob", transformJob("t1", "s3://bkt/in/t1/", "$.text", "$['id','SageMakerOutput']"));
        assertTrue(created.path("TransformJobArn").asText().endsWith(":transform-job/t1"));
        JsonNode done = awaitSageMaker("t1");
        assertEquals("Completed", done.path("TransformJobStatus").asText(), done.toString());
        String out = new String(s3.get("bkt", "out/t1/sub/a.jsonl.out").orElseThrow(), StandardCharsets.UTF_8);
        List<String> lines = out.lines().toList();
        assertEquals(2, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals(List.of("id", "SageMakerOutput"), iterator(first));
        assertEquals(384, first.path("SageMakerOutput").size());
        assertEquals(2, JSON.readTree(lines.get(1)).path("id").asInt());

        HttpResponse<String> duplicate = sageMaker.send("POST", service.url() + "/sagemaker/CreateTransformJob",
                JSON.writeValueAsString(transformJob("t1", "s3://bkt/in/t1/", "$.text", "$")));
        assertEquals(400, duplicate.statusCode());
        assertEquals("ResourceInUse", JSON.readTree(duplicate.body()).path("__type").asText());
    }

    @Test
    void invalidJsonFailsTheWholeTransformJob() throws Exception {
        s3.put("bkt", "in/t2/a.jsonl", "{\"text\":\"ok\"}\nnot json\n".getBytes(StandardCharsets.UTF_8), "application/json");
        call("CreateTransformJob", transformJob("t2", "s3://bkt/in/t2/", "$.text", "$"));
        JsonNode done = awaitSageMaker("t2");
        assertEquals("Failed", done.path("TransformJobStatus").asText());
        assertTrue(done.path("FailureReason").asText().contains("line 2"), done.toString());
        assertTrue(s3.get("bkt", "out/t2/a.jsonl.out").isEmpty());
    }

    @Test
    void bedrockEnforcesMinimumRecordsAndConcurrencyAndIsIdempotent() throws Exception {
        service.configure(new ModelServiceConfig(1, 300L, new ModelServiceConfig.BedrockQuotas(3, 100, 1), List.of()));
        s3.put("bkt", "br/small.jsonl", records(2), "application/jsonl");
        s3.put("bkt", "br/ok.jsonl", records(4), "application/jsonl");
        Map<String, Object> small = bedrockJob("small", "s3://bkt/br/small.jsonl", null);
        String smallArn = JSON.readTree(bedrockCall("POST", "/model-invocation-job", small).body()).path("jobArn").asText();
        JsonNode failed = awaitBedrock(smallArn);
        assertEquals("Failed", failed.path("status").asText());
        assertTrue(failed.path("message").asText().contains("less than the minimum of 3"), failed.toString());

        Map<String, Object> ok = bedrockJob("okjob", "s3://bkt/br/ok.jsonl", "token-1");
        String arn = JSON.readTree(bedrockCall("POST", "/model-invocation-job", ok).body()).path("jobArn").asText();
        // Same token, same request: the same job, not a second one.
        assertEquals(arn, JSON.readTree(bedrockCall("POST", "/model-invocation-job", ok).body()).path("jobArn").asText());
        HttpResponse<String> overQuota = bedrockCall("POST", "/model-invocation-job", bedrockJob("second", "s3://bkt/br/ok.jsonl", null));
        assertEquals(400, overQuota.statusCode());
        assertTrue(overQuota.body().contains("quota for number of concurrent invoke-model jobs"), overQuota.body());
        assertTrue(overQuota.headers().firstValue("x-amzn-ErrorType").orElse("").startsWith("ServiceQuotaExceededException"));

        JsonNode done = awaitBedrock(arn);
        assertEquals("Completed", done.path("status").asText(), done.toString());
        assertEquals(3, done.path("successRecordCount").asInt());
        assertEquals(1, done.path("errorRecordCount").asInt());
        String id = arn.substring(arn.lastIndexOf('/') + 1);
        String out = new String(s3.get("bkt", "br-out/" + id + "/ok.jsonl.out").orElseThrow(), StandardCharsets.UTF_8);
        assertEquals(4, out.lines().count());
        JsonNode error = JSON.readTree(out.lines().toList().get(3));
        assertEquals(400, error.path("error").path("errorCode").asInt(), "the blank record is an error record");
    }

    @Test
    void injectedFaultsThrottleAndFail() throws Exception {
        service.configure(new ModelServiceConfig(1, 0L, null, List.of(
                new ModelServiceConfig.FaultRule("throttle", "sagemaker", null, "CreateTransformJob", 1, null),
                new ModelServiceConfig.FaultRule("fail", "sagemaker", "^t3$", null, 1, "AlgorithmError: injected"))));
        s3.put("bkt", "in/t3/a.jsonl", "{\"text\":\"x\"}\n".getBytes(StandardCharsets.UTF_8), "application/json");
        HttpResponse<String> throttled = sageMaker.send("POST", service.url() + "/sagemaker/CreateTransformJob",
                JSON.writeValueAsString(transformJob("t3", "s3://bkt/in/t3/", "$.text", "$")));
        assertEquals(400, throttled.statusCode());
        assertTrue(throttled.headers().firstValue("x-amzn-ErrorType").orElse("").startsWith("ThrottlingException"));
        call("CreateTransformJob", transformJob("t3", "s3://bkt/in/t3/", "$.text", "$"));
        JsonNode done = awaitSageMaker("t3");
        assertEquals("Failed", done.path("TransformJobStatus").asText());
        assertEquals("AlgorithmError: injected", done.path("FailureReason").asText());
    }

    /**
     * The batch jobs and the real-time calls (the {@code neural} query's path) of both providers must embed a text
     * alike, or a query vector would not live in the space of the stored ones. A text of about 400 word pieces also
     * checks that every path reads the reference model's 256 tokens.
     */
    @Test
    void batchAndRealTimePathsEmbedALongTextAlikeOnBothProviders() throws Exception {
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            words.append(i % 3 == 0 ? "harbour " : i % 3 == 1 ? "lantern " : "granite ").append(i).append(' ');
        }
        String text = words.toString().trim();
        float[] reference = model.embed(text).vector();
        assertEquals(MiniLmModel.MAX_SEQUENCE_LENGTH - 2, model.tokens(text));

        HttpResponse<String> sageMakerRealTime = sageMaker.send("POST", service.url() + "/sagemaker/endpoints/djl-minilm/invocations",
                JSON.writeValueAsString(text));
        assertEquals(200, sageMakerRealTime.statusCode(), sageMakerRealTime.body());
        assertVector(reference, JSON.readTree(sageMakerRealTime.body()), "SageMaker real-time");

        s3.put("bkt", "in/long/a.jsonl", (JSON.writeValueAsString(Map.of("text", text)) + "\n").getBytes(StandardCharsets.UTF_8), "application/json");
        call("CreateTransformJob", transformJob("long", "s3://bkt/in/long/", "$.text", "$"));
        assertEquals("Completed", awaitSageMaker("long").path("TransformJobStatus").asText());
        JsonNode transformed = JSON.readTree(new String(s3.get("bkt", "out/long/a.jsonl.out").orElseThrow(), StandardCharsets.UTF_8).trim());
        assertVector(reference, transformed.path("SageMakerOutput"), "SageMaker batch transform");

        HttpResponse<String> bedrockRealTime = bedrockCall("POST", "/model/" + TitanEmbedding.MODEL_ID + "/invoke", Map.of("inputText", text));
        assertEquals(200, bedrockRealTime.statusCode(), bedrockRealTime.body());
        assertVector(reference, JSON.readTree(bedrockRealTime.body()).path("embedding"), "Bedrock real-time");
        assertEquals(MiniLmModel.MAX_SEQUENCE_LENGTH - 2, JSON.readTree(bedrockRealTime.body()).path("inputTextTokenCount").asInt());

        service.configure(new ModelServiceConfig(1, 0L, new ModelServiceConfig.BedrockQuotas(1, 100, 1), List.of()));
        s3.put("bkt", "br-long/a.jsonl", (JSON.writeValueAsString(Map.of("recordId", "L1", "modelInput", Map.of("inputText", text)))
                + "\n").getBytes(StandardCharsets.UTF_8), "application/jsonl");
        String arn = JSON.readTree(bedrockCall("POST", "/model-invocation-job", bedrockJob("longjob", "s3://bkt/br-long/a.jsonl", null))
                .body()).path("jobArn").asText();
        assertEquals("Completed", awaitBedrock(arn).path("status").asText());
        String id = arn.substring(arn.lastIndexOf('/') + 1);
        JsonNode invoked = JSON.readTree(new String(s3.get("bkt", "br-out/" + id + "/a.jsonl.out").orElseThrow(), StandardCharsets.UTF_8).trim());
        assertVector(reference, invoked.path("modelOutput").path("embedding"), "Bedrock batch inference");
        assertEquals(MiniLmModel.MAX_SEQUENCE_LENGTH - 2, invoked.path("modelOutput").path("inputTextTokenCount").asInt());
    }

    private static void assertVector(float[] expected, JsonNode actual, String path) {
        assertEquals(expected.length, actual.size(), path + ": " + actual);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], (float) actual.get(i).asDouble(), 1e-6, path + ", dimension " + i);
        }
    }

    private static byte[] records(int n) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String text = i == 3 ? "" : "record number " + i;
            sb.append(JSON.writeValueAsString(Map.of("recordId", "R" + i, "modelInput", Map.of("inputText", text)))).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> transformJob(String name, String input, String inputFilter, String outputFilter) {
        return Map.of("TransformJobName", name, "ModelName", "djl-minilm",
                "TransformInput", Map.of("ContentType", "application/json", "SplitType", "Line",
                        "DataSource", Map.of("S3DataSource", Map.of("S3DataType", "S3Prefix", "S3Uri", input))),
                "TransformOutput", Map.of("S3OutputPath", "s3://bkt/out/" + name, "AssembleWith", "Line"),
                "TransformResources", Map.of("InstanceType", "ml.m5.xlarge", "InstanceCount", 1),
                "DataProcessing", Map.of("InputFilter", inputFilter, "OutputFilter", outputFilter, "JoinSource", "Input"));
    }

    private static Map<String, Object> bedrockJob(String name, String input, String token) {
        Map<String, Object> m = new java.util.HashMap<>(Map.of("jobName", name, "modelId", TitanEmbedding.MODEL_ID,
                "roleArn", "arn:aws:iam::123456789012:role/r",
                "inputDataConfig", Map.of("s3InputDataConfig", Map.of("s3Uri", input)),
                "outputDataConfig", Map.of("s3OutputDataConfig", Map.of("s3Uri", "s3://bkt/br-out/"))));
        if (token != null) {
            m.put("clientRequestToken", token);
        }
        return m;
    }

    private static JsonNode call(String operation, Object body) throws Exception {
        HttpResponse<String> r = sageMaker.send("POST", service.url() + "/sagemaker/" + operation, JSON.writeValueAsString(body));
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> bedrockCall(String method, String path, Object body) throws Exception {
        return bedrock.send(method, service.url() + "/bedrock" + path, body == null ? null : JSON.writeValueAsString(body));
    }

    private static JsonNode awaitSageMaker(String name) throws Exception {
        for (int i = 0; i < 600; i++) {
            JsonNode job = call("DescribeTransformJob", Map.of("TransformJobName", name));
            if (!"InProgress".equals(job.path("TransformJobStatus").asText())) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("transform job " + name + " did not finish");
    }

    private static JsonNode awaitBedrock(String arn) throws Exception {
        String path = "/model-invocation-job/" + arn.replace("/", "%2F");
        for (int i = 0; i < 600; i++) {
            HttpResponse<String> r = bedrockCall("GET", path, null);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode job = JSON.readTree(r.body());
            String status = job.path("status").asText();
            if (!List.of("Submitted", "Validating", "Scheduled", "InProgress").contains(status)) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("invocation job " + arn + " did not finish");
    }

    private static List<String> iterator(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
