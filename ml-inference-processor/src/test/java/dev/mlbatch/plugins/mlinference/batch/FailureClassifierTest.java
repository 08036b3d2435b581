package dev.mlbatch.plugins.mlinference.batch;

import dev.mlbatch.plugins.mlinference.client.MlCommonsException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailureClassifierTest {
    private final FailureClassifier classifier = new FailureClassifier();

    @Test
    void throttlingInAllItsForms() {
        // ML Commons' own limit (max_batch_inference_tasks), exact 2.19 text.
        assertEquals(FailureKind.THROTTLED, classify(429, "status_exception",
                "Exceeded maximum limit for BATCH_PREDICTION tasks. To increase the limit, update the plugins.ml_commons.max_batch_inference_tasks setting."));
        // Provider ThrottlingException passed through with the provider's status.
        assertEquals(FailureKind.THROTTLED, classify(400, "remote_connector_throttling_exception",
                "Error from remote service: The request was denied due to remote server throttling. To change the retry policy and behavior, please update the connector client_config."));
        // Bedrock's concurrent-jobs quota.
        assertEquals(FailureKind.THROTTLED, classify(400, "status_exception",
                "Error from remote service: {\"message\":\"You have reached the quota for number of concurrent invoke-model jobs in progress for this model.\"}"));
        assertEquals(FailureKind.THROTTLED, classify(400, "status_exception",
                "Error from remote service: {\"__type\":\"ResourceLimitExceeded\",\"Message\":\"The account-level service limit 'ml.m5.xlarge for transform job usage' is 1 Instances\"}"));
    }

    @Test
    void openAiAndCohereRateLimitsThroughMlCommonsAreThrottling() {
        // ML Commons passes the provider's status on: OpenAI's and Cohere's 429 with their own envelopes.
        assertEquals(FailureKind.THROTTLED, classify(429, "status_exception",
                "Error from remote service: {\"error\":{\"message\":\"Rate limit reached for text-embedding-3-small in organization org-x on "
                        + "requests per min (RPM): Limit 3000.\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}"));
        assertEquals(FailureKind.THROTTLED, classify(429, "status_exception",
                "Error from remote service: {\"message\":\"You are using a Trial key, which is limited to 10 API calls / minute.\"}"));
        // ...while their refusals of the request itself are permanent.
        assertEquals(FailureKind.PERMANENT, classify(400, "status_exception",
                "Error from remote service: {\"error\":{\"message\":\"Invalid 'input_file_id': 'file-x'.\",\"type\":\"invalid_request_error\"}}"));
        assertEquals(FailureKind.PERMANENT, classify(401, "status_exception", "Error from remote service: {\"message\":\"invalid api token\"}"));
    }

    @Test
    void duplicateNamesMeanAlreadySubmitted() {
        assertEquals(FailureKind.DUPLICATE_JOB, classify(400, "status_exception",
                "Error from remote service: {\"__type\":\"ResourceInUse\",\"message\":\"Job name must be unique within an AWS account and region, and a job with this name already exists\"}"));
        assertEquals(FailureKind.DUPLICATE_JOB, classify(400, "status_exception",
                "Error from remote service: {\"message\":\"ConflictException: a job with this name already exists\"}"));
    }

    @Test
    void aJobIsGoneWhenTheTaskOrTheProvidersJobIsUnknownNotOnOtherFailures() {
        assertTrue(FailureClassifier.jobIsGone(new MlCommonsException(404, "status_exception", "Failed to find task")));
        // SageMaker's answer to DescribeTransformJob of an unknown job, as ML Commons passes it on (observed text).
        assertTrue(FailureClassifier.jobIsGone(new MlCommonsException(400, "status_exception",
                "Error from remote service: {\"__type\":\"ValidationException\",\"message\":\"Could not find requested job with name mlb-1-a1\"}")));
        assertTrue(FailureClassifier.jobIsGone(new MlCommonsException(400, "status_exception",
                "Error from remote service: {\"__type\":\"ResourceNotFoundException\",\"message\":\"The specified job was not found.\"}")));
        assertFalse(FailureClassifier.jobIsGone(new MlCommonsException(400, "status_exception",
                "Error from remote service: {\"message\":\"ValidationException: input file is not .jsonl\"}")));
        assertFalse(FailureClassifier.jobIsGone(new MlCommonsException(503, null, "Could not find requested job (proxy)")));
        assertFalse(FailureClassifier.jobIsGone(new MlCommonsException("unreachable", new ConnectException("refused"))));
    }

    @Test
    void permanentAndTransient() {
        assertEquals(FailureKind.PERMANENT, classify(404, "status_exception", "Failed to find model"));
        assertEquals(FailureKind.PERMANENT, classify(403, null, "The request signature we calculated does not match the signature you provided."));
        assertEquals(FailureKind.PERMANENT, classify(400, "status_exception", "Error from remote service: {\"message\":\"ValidationException: input file is not .jsonl\"}"));
        assertEquals(FailureKind.PERMANENT, classify(500, "illegal_state_exception", "Offline Batch Inference is currently disabled."));
        assertEquals(FailureKind.TRANSIENT, classify(503, null, "Service Unavailable"));
        assertEquals(FailureKind.TRANSIENT, classifier.classify(new MlCommonsException("unreachable", new ConnectException("refused"))));
    }

    private FailureKind classify(final int status, final String type, final String reason) {
        return classifier.classify(new MlCommonsException(status, type, reason));
    }
}
