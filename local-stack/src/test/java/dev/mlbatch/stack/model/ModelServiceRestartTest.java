package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.s3.S3Server;
import dev.mlbatch.stack.s3.S3Store;
import dev.mlbatch.stack.sigv4.SignedHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model service started again on the same state folder knows the SageMaker and Bedrock jobs of the one before, as
 * AWS would after an outage: ended jobs keep their status and counts, a repeated create is refused (SageMaker's
 * ResourceInUse) or answered with the same job (Bedrock's clientRequestToken), and a job that was running is run again
 * to its end. What {@code bench chaos} relies on when it kills the services JVM.
 */
class ModelServiceRestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelServiceConfig CONFIG = new ModelServiceConfig(1, 200L,
            new ModelServiceConfig.BedrockQuotas(1, 50_000, 20), List.of());

    @TempDir
    Path home;
    private S3Server s3Server;
    private S3Store s3;
    private final MiniLmModel model = new MiniLmModel();
    private final SignedHttpClient sageMaker = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY, "us-east-1", "sagemaker");
    private final SignedHttpClient bedrock = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY, "us-east-1", "bedrock");

    @BeforeEach
    void start() throws Exception {
        s3Server = S3Server.start(home.resolve("s3"), 0, LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY);
        s3 = new S3Store(s3Server.endpoint(), LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY, "us-east-1");
        s3.ensureBucket("bkt");
        s3.put("bkt", "in/a/part.jsonl", "{\"text\":\"one\"}\n{\"text\":\"two\"}\n".getBytes(StandardCharsets.UTF_8), "application/jsonl");
        s3.put("bkt", "in/b/part.jsonl", "{\"text\":\"three\"}\n".getBytes(StandardCharsets.UTF_8), "application/jsonl");
        s3.put("bkt", "bedrock/in.jsonl", ("{\"recordId\":\"R1\",\"modelInput\":{\"inputText\":\"hello\"}}\n"
                + "{\"recordId\":\"R2\",\"modelInput\":{\"inputText\":\"world\"}}\n").getBytes(StandardCharsets.UTF_8), "application/jsonl");
    }

    @AfterEach
    void stop() throws Exception {
        s3.close();
        s3Server.close();
    }

    @Test
    void endedJobsStayEndedRepeatsAreRefusedOrTheSameJobAndRunningJobsRunAgain() throws Exception {
        final String bedrockArn;
        try (ModelService first = service()) {
            assertEquals(200, sageMaker(first, "CreateTransformJob", transformJob("done-a1", "s3://bkt/in/a/")).statusCode());
            assertEquals("Completed", awaitSageMaker(first, "done-a1").path("TransformJobStatus").asText());
            final HttpResponse<String> created = bedrockCreate(first);
            assertEquals(200, created.statusCode(), created.body());
            bedrockArn = JSON.readTree(created.body()).path("jobArn").asText();
            assertEquals("Completed", awaitBedrock(first, bedrockArn).path("status").asText());
            // Still running when the service goes: its state delays keep it InProgress for a while.
            assertEquals(200, sageMaker(first, "CreateTransformJob", transformJob("running-a1", "s3://bkt/in/b/")).statusCode());
        }
        assertTrue(Files.exists(home.resolve(ModelService.JOB_JOURNAL)));

        try (ModelService second = service()) {
            final JsonNode done = JSON.readTree(sageMaker(second, "DescribeTransformJob", Map.of("TransformJobName", "done-a1")).body());
            assertEquals("Completed", done.path("TransformJobStatus").asText());
            assertTrue(done.has("TransformEndTime"), done.toString());
            final HttpResponse<String> repeat = sageMaker(second, "CreateTransformJob", transformJob("done-a1", "s3://bkt/in/a/"));
            assertEquals(400, repeat.statusCode());
            assertTrue(repeat.body().contains("ResourceInUse"), repeat.body());

            final HttpResponse<String> again = bedrockCreate(second);
            assertEquals(200, again.statusCode(), again.body());
            assertEquals(bedrockArn, JSON.readTree(again.body()).path("jobArn").asText(), "the same token is the same job after a restart");
            final JsonNode bedrockJob = awaitBedrock(second, bedrockArn);
            assertEquals("Completed", bedrockJob.path("status").asText());
            assertEquals(2, bedrockJob.path("processedRecordCount").asInt(), bedrockJob.toString());

            assertEquals("Completed", awaitSageMaker(second, "running-a1").path("TransformJobStatus").asText());
            final String output = new String(s3.get("bkt", "out/running-a1/part.jsonl.out").orElseThrow(), StandardCharsets.UTF_8);
            assertEquals(1, output.lines().count(), "the job run again wrote its output: " + output);
            final JsonNode list = JSON.readTree(sageMaker(second, "ListTransformJobs", Map.of("NameContains", "-a1")).body());
            assertEquals(2, list.path("TransformJobSummaries").size(), "no job was added or lost: " + list);
        }
    }

    @Test
    void withoutAStateFolderNothingIsKept() throws Exception {
        try (ModelService first = new ModelService(0, s3Server.endpoint(), model, CONFIG)) {
            assertEquals(200, sageMaker(first, "CreateTransformJob", transformJob("memory-a1", "s3://bkt/in/a/")).statusCode());
            awaitSageMaker(first, "memory-a1");
        }
        try (ModelService second = new ModelService(0, s3Server.endpoint(), model, CONFIG)) {
            final HttpResponse<String> describe = sageMaker(second, "DescribeTransformJob", Map.of("TransformJobName", "memory-a1"));
            assertEquals(400, describe.statusCode());
            assertTrue(describe.body().contains("Could not find requested job"), describe.body());
        }
        assertFalse(Files.exists(home.resolve(ModelService.JOB_JOURNAL)));
    }

    private ModelService service() throws Exception {
        return new ModelService(0, s3Server.endpoint(), model, CONFIG, home.resolve("model-service-files"));
    }

    private static Map<String, Object> transformJob(final String name, final String input) {
        return Map.of("TransformJobName", name, "ModelName", "djl-minilm",
                "TransformInput", Map.of("ContentType", "application/json", "SplitType", "Line",
                        "DataSource", Map.of("S3DataSource", Map.of("S3DataType", "S3Prefix", "S3Uri", input))),
                "TransformOutput", Map.of("S3OutputPath", "s3://bkt/out/" + name, "AssembleWith", "Line"),
                "TransformResources", Map.of("InstanceType", "ml.m5.xlarge", "InstanceCount", 1),
                "DataProcessing", Map.of("InputFilter", "$.text", "OutputFilter", "$", "JoinSource", "None"));
    }

    private HttpResponse<String> sageMaker(final ModelService service, final String operation, final Object body) throws Exception {
        return sageMaker.send("POST", service.url() + "/sagemaker/" + operation, JSON.writeValueAsString(body));
    }

    private HttpResponse<String> bedrockCreate(final ModelService service) throws Exception {
        return bedrock.send("POST", service.url() + "/bedrock/model-invocation-job", JSON.writeValueAsString(Map.of(
                "jobName", "restart-a1", "clientRequestToken", "restart-a1", "modelId", TitanEmbedding.MODEL_ID,
                "roleArn", "arn:aws:iam::123456789012:role/r",
                "inputDataConfig", Map.of("s3InputDataConfig", Map.of("s3Uri", "s3://bkt/bedrock/in.jsonl")),
                "outputDataConfig", Map.of("s3OutputDataConfig", Map.of("s3Uri", "s3://bkt/bedrock/out/")))));
    }

    private JsonNode awaitSageMaker(final ModelService service, final String name) throws Exception {
        for (int i = 0; i < 600; i++) {
            final JsonNode job = JSON.readTree(sageMaker(service, "DescribeTransformJob", Map.of("TransformJobName", name)).body());
            if (!"InProgress".equals(job.path("TransformJobStatus").asText())) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("transform job " + name + " did not finish");
    }

    private JsonNode awaitBedrock(final ModelService service, final String arn) throws Exception {
        for (int i = 0; i < 600; i++) {
            final JsonNode job = JSON.readTree(bedrock.send("GET", service.url() + "/bedrock/model-invocation-job/"
                    + arn.replace("/", "%2F"), null).body());
            if (InvocationJobStatus.isTerminal(job.path("status").asText())) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("invocation job " + arn + " did not finish");
    }

    /** Bedrock's terminal statuses. */
    private static final class InvocationJobStatus {
        static boolean isTerminal(final String status) {
            return List.of("Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired").contains(status);
        }
    }
}
