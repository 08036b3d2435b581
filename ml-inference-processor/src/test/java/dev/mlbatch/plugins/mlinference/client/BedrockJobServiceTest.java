package dev.mlbatch.plugins.mlinference.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.plugins.mlinference.batch.BatchPredictRequestFactory;
import dev.mlbatch.plugins.mlinference.batch.FailureClassifier;
import dev.mlbatch.plugins.mlinference.batch.FailureKind;
import dev.mlbatch.plugins.mlinference.batch.InputObject;
import dev.mlbatch.plugins.mlinference.config.MLProcessorConfig;
import dev.mlbatch.plugins.mlinference.support.ConfigBinder;
import dev.mlbatch.plugins.mlinference.support.FakeBedrock;
import dev.mlbatch.testing.aws.StaticCredentialsSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BedrockJobServiceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::123456789012:role/BedrockBatchRole";
    private static final String MODEL = "amazon.titan-embed-text-v2:0";
    private final FailureClassifier classifier = new FailureClassifier();
    private FakeBedrock bedrock;

    @BeforeEach
    void start() throws Exception {
        bedrock = new FakeBedrock().jobDuration(Duration.ofHours(1));
    }

    @AfterEach
    void stop() {
        bedrock.close();
    }

    private BedrockJobService service(final String secretKey) {
        final MLProcessorConfig config = ConfigBinder.bind("service_name: bedrock\nmodel_id: \"" + MODEL + "\"\noutput_path: s3://out-bucket/results\n"
                + "aws: { region: us-east-1, job_sts_role_arn: \"" + ROLE + "\" }\nbedrock_endpoint: \"" + bedrock.url() + "\"\n");
        return new BedrockJobService(config.getBedrockEndpoint(), MlCommonsClientFactory.httpClient(config),
                new SigV4Authenticator(StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeBedrock.ACCESS_KEY, secretKey)),
                        "us-east-1", SigV4Authenticator.SERVICE_BEDROCK, Clock.systemUTC()), ROLE, MAPPER);
    }

    private ObjectNode body(final String jobName, final Map<String, Object> extras) {
        return new BatchPredictRequestFactory(MAPPER, "s3://out-bucket/results", extras)
                .bedrock(new InputObject("in-bucket", "in/part-0001.jsonl", "\"etag-1\""), jobName);
    }

    @Test
    void createSendsUpstreamsBodyWithTheRoleAndTheJobNameAsTokenSignedForBedrock() throws Exception {
        try (BedrockJobService service = service(FakeBedrock.SECRET_KEY)) {
            final BatchPredictResponse created = service.batchPredict(MODEL, body("mlb-0123456789abcdef0123456789abcdef-a1",
                    Map.of("timeoutDurationInHours", 24)));
            assertEquals("arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/job000000001", created.taskId());
        }
        final FakeBedrock.Received request = bedrock.received().get(0);
        assertEquals("POST", request.method());
        assertEquals("/model-invocation-job", request.rawPath());
        assertEquals("{\"inputDataConfig\":{\"s3InputDataConfig\":{\"s3Uri\":\"s3://in-bucket/in/part-0001.jsonl\"}},"
                + "\"jobName\":\"mlb-0123456789abcdef0123456789abcdef-a1\",\"modelId\":\"amazon.titan-embed-text-v2:0\","
                + "\"outputDataConfig\":{\"s3OutputDataConfig\":{\"s3Uri\":\"s3://out-bucket/results\"}},"
                + "\"roleArn\":\"arn:aws:iam::123456789012:role/BedrockBatchRole\","
                + "\"clientRequestToken\":\"mlb-0123456789abcdef0123456789abcdef-a1\",\"timeoutDurationInHours\":24}", request.body());
        final String authorization = request.headers().get("Authorization");
        assertTrue(authorization.contains("Credential=" + FakeBedrock.ACCESS_KEY + "/") && authorization.contains("/us-east-1/bedrock/aws4_request"),
                authorization);
        assertTrue(request.signatureValid(), "the signature verifies over what arrived (service bedrock)");
        assertFalse(authorization.contains(FakeBedrock.SECRET_KEY));
        assertEquals("application/json", request.headers().get("Content-Type"));
    }

    @Test
    void aRepeatedCreateGetsTheSameJobBackAndCreatesNoSecond() throws Exception {
        try (BedrockJobService service = service(FakeBedrock.SECRET_KEY)) {
            final String first = service.batchPredict(MODEL, body("mlb-aaaa0000aaaa0000aaaa0000aaaa0000-a1", Map.of())).taskId();
            final String again = service.batchPredict(MODEL, body("mlb-aaaa0000aaaa0000aaaa0000aaaa0000-a1", Map.of())).taskId();
            assertEquals(first, again);
            // The next attempt of the same work has another name and so another token: a new job.
            final String attempt2 = service.batchPredict(MODEL, body("mlb-aaaa0000aaaa0000aaaa0000aaaa0000-a2", Map.of())).taskId();
            assertFalse(attempt2.equals(first));
        }
        assertEquals(2, bedrock.jobsCreated().size());
    }

    @Test
    void getReadsTheJobByItsEncodedArnAndMapsItsStatusAsMlCommonsDoes() throws Exception {
        bedrock.jobDuration(Duration.ZERO).endJobs(name -> name.endsWith("-a1"), "Failed", "ValidationException: record 3 of s3://in-bucket/x is blank");
        try (BedrockJobService service = service(FakeBedrock.SECRET_KEY)) {
            final String arn = service.batchPredict(MODEL, body("mlb-bbbb0000bbbb0000bbbb0000bbbb0000-a1", Map.of())).taskId();
            final TaskStatus status = service.getTask(arn);
            assertEquals("FAILED", status.state());
            assertEquals("Failed", status.providerStatus().orElseThrow());
            assertEquals("ValidationException: record 3 of s3://in-bucket/x is blank", status.failureReason().orElseThrow());
            assertEquals(arn, status.remoteJob().path("jobArn").asText());
            assertTrue(status.createTime() != null && status.lastUpdateTime() != null);
        }
        final FakeBedrock.Received get = bedrock.received("GET", "/model-invocation-job/").get(0);
        // As the AWS SDKs send it: the whole ARN percent-encoded in one path segment.
        assertEquals("/model-invocation-job/" + URLEncoder.encode("arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/job000000001",
                StandardCharsets.UTF_8), get.rawPath());
        assertTrue(get.signatureValid());
    }

    @Test
    void everyBedrockStatusMapsToTheTaskStateMlCommonsWouldGiveIt() {
        final Map<String, String> expected = Map.ofEntries(
                Map.entry("Submitted", "RUNNING"), Map.entry("Validating", "RUNNING"), Map.entry("Scheduled", "RUNNING"),
                Map.entry("InProgress", "RUNNING"), Map.entry("Completed", "COMPLETED"), Map.entry("PartiallyCompleted", "COMPLETED"),
                Map.entry("Failed", "FAILED"), Map.entry("Expired", "EXPIRED"), Map.entry("Stopping", "CANCELLING"),
                Map.entry("Stopped", "CANCELLED"));
        expected.forEach((status, state) -> assertEquals(state, BedrockJobService.taskState(status), status));
        final TaskStatus partial = BedrockJobService.statusOf("arn", MAPPER.createObjectNode().put("status", "PartiallyCompleted"));
        assertTrue(partial.isSuccessful(), "PartiallyCompleted completes, and the partial repair reads its output");
        assertFalse(BedrockJobService.statusOf("arn", MAPPER.createObjectNode().put("status", "Stopping")).isTerminal());
        assertTrue(BedrockJobService.statusOf("arn", MAPPER.createObjectNode().put("status", "Expired")).isRetryableFailure());
        assertFalse(BedrockJobService.statusOf("arn", MAPPER.createObjectNode().put("status", "Stopped")).isRetryableFailure());
    }

    @Test
    void findsAJobByItsExactNameOnly() throws Exception {
        try (BedrockJobService service = service(FakeBedrock.SECRET_KEY)) {
            final String a10 = service.batchPredict(MODEL, body("mlb-cccc0000cccc0000cccc0000cccc0000-a10", Map.of())).taskId();
            assertTrue(service.findTaskByJobName(MODEL, "mlb-cccc0000cccc0000cccc0000cccc0000-a1").isEmpty(), "-a10 is not -a1");
            assertEquals(a10, service.findTaskByJobName(MODEL, "mlb-cccc0000cccc0000cccc0000cccc0000-a10").orElseThrow());
        }
        final FakeBedrock.Received list = bedrock.received("GET", "/model-invocation-jobs").get(0);
        assertTrue(list.rawQuery().startsWith("nameContains=mlb-cccc0000cccc0000cccc0000cccc0000-a1&"), list.rawQuery());
        assertTrue(list.signatureValid());
    }

    @Test
    void bedrocksErrorsAreSortedLikeMlCommonsOnes() throws Exception {
        try (BedrockJobService service = service(FakeBedrock.SECRET_KEY)) {
            bedrock.throttleNextCreates(1);
            final MlCommonsException throttled = assertThrows(MlCommonsException.class,
                    () -> service.batchPredict(MODEL, body("mlb-dddd0000dddd0000dddd0000dddd0000-a1", Map.of())));
            assertEquals(429, throttled.status());
            assertEquals("ThrottlingException", throttled.errorType());
            assertEquals(FailureKind.THROTTLED, classifier.classify(throttled));

            bedrock.maxActiveJobs(1);
            service.batchPredict(MODEL, body("mlb-dddd0000dddd0000dddd0000dddd0000-a1", Map.of()));
            final MlCommonsException quota = assertThrows(MlCommonsException.class,
                    () -> service.batchPredict(MODEL, body("mlb-eeee0000eeee0000eeee0000eeee0000-a1", Map.of())));
            assertEquals(400, quota.status());
            assertEquals("ServiceQuotaExceededException", quota.errorType());
            assertTrue(quota.reason().contains("quota for number of concurrent invoke-model jobs"), quota.reason());
            assertEquals(FailureKind.THROTTLED, classifier.classify(quota));

            final MlCommonsException notFound = assertThrows(MlCommonsException.class,
                    () -> service.getTask("arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/zzzzzzzzzzzz"));
            assertEquals(404, notFound.status());
            assertEquals("ResourceNotFoundException", notFound.errorType());
        }
        try (BedrockJobService wrongKey = service("not-the-secret")) {
            final MlCommonsException refused = assertThrows(MlCommonsException.class,
                    () -> wrongKey.batchPredict(MODEL, body("mlb-ffff0000ffff0000ffff0000ffff0000-a1", Map.of())));
            assertEquals(403, refused.status());
            assertEquals("InvalidSignatureException", refused.errorType());
            assertEquals(FailureKind.PERMANENT, classifier.classify(refused));
        }
        final MlCommonsException conflict = new MlCommonsException(400, "ConflictException",
                "A model invocation job with the name mlb-x-a1 already exists.");
        assertEquals(FailureKind.DUPLICATE_JOB, classifier.classify(conflict));
    }

    @Test
    void anUnreachableEndpointIsAConnectionFailure() throws Exception {
        final String url = bedrock.url();
        bedrock.close();
        final MLProcessorConfig config = ConfigBinder.bind("service_name: bedrock\nmodel_id: \"" + MODEL + "\"\noutput_path: s3://out-bucket/results\n"
                + "aws: { region: us-east-1, job_sts_role_arn: \"" + ROLE + "\" }\nbedrock_endpoint: \"" + url + "\"\n");
        try (BatchJobService service = BatchJobServiceFactory.create(config, new StaticCredentialsSupplier(FakeBedrock.ACCESS_KEY,
                FakeBedrock.SECRET_KEY), MAPPER)) {
            assertTrue(service instanceof BedrockJobService);
            assertEquals("Bedrock", service.serviceLabel());
            assertTrue(service.describe().contains(url) && service.describe().contains("service bedrock"), service.describe());
            final MlCommonsException failure = assertThrows(MlCommonsException.class, () -> service.getTask("arn:x/abc"));
            assertTrue(failure.isConnectionFailure());
            assertTrue(failure.getMessage().startsWith("Bedrock at " + url + " is unreachable"), failure.getMessage());
        }
    }

    @Test
    void theFactoryPicksMlCommonsForAnyOtherModel() {
        final MLProcessorConfig config = ConfigBinder.bind("host: \"https://h\"\nservice_name: bedrock\nmodel_id: m0delID\n"
                + "output_path: s3://out-bucket/results\naws: { region: us-east-1 }\n");
        try (BatchJobService service = BatchJobServiceFactory.create(config, new StaticCredentialsSupplier("a", "b"), MAPPER)) {
            assertTrue(service instanceof MlCommonsClient);
            assertFalse(service.createReturnsExistingJobs());
        }
        assertEquals(URI.create("https://bedrock.eu-west-1.amazonaws.com"), ConfigBinder.bind("service_name: bedrock\nmodel_id: \"" + MODEL
                + "\"\noutput_path: s3://out-bucket/results\naws: { region: eu-west-1, job_sts_role_arn: \"" + ROLE + "\" }\n").getBedrockEndpoint());
    }
}
