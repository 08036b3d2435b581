package dev.mlbatch.plugins.mlinference.config;

import dev.mlbatch.plugins.mlinference.support.ConfigBinder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MLProcessorConfigTest {
    /** The ml_inference block of the published OSI / Data Prepper batch-inference example. */
    private static final String UPSTREAM_EXAMPLE = """
            host: "https://search-mydomain-abc123.us-east-1.es.amazonaws.com"
            action_type: "batch_predict"
            service_name: "sagemaker"
            model_id: "m0delID-XyZ987"
            output_path: "s3://my-bucket/out"
            input_key: "key"
            ml_when: '/bucket == "my-bucket"'
            tags_on_failure: ["ml_failed"]
            max_batch_size: 100
            retry_time_window: "PT10M"
            retry_interval: "60s"
            aws_sigv4: true
            aws:
              region: "us-east-1"
              sts_role_arn: "arn:aws:iam::123456789012:role/PipelineRole"
              sts_external_id: "optional"
              sts_header_overrides: { }
              job_sts_role_arn: "arn:aws:iam::123456789012:role/BedrockBatchRole"
            dlq: { s3: { bucket: "dlq-bucket", key_path_prefix: "ml-dlq", region: "us-east-1", sts_role_arn: "arn:aws:iam::123456789012:role/DlqRole" } }
            """;

    private static final String MINIMAL = """
            host: "https://search-x.us-east-1.es.amazonaws.com"
            model_id: "m1"
            output_path: "s3://out-bucket/prefix"
            aws:
              region: "us-east-1"
            """;

    @Test
    void upstreamExampleBindsWithUpstreamMeanings() {
        final MLProcessorConfig config = ConfigBinder.bind(UPSTREAM_EXAMPLE);
        assertEquals(ActionType.BATCH_PREDICT, config.getActionType());
        assertEquals(ServiceName.SAGEMAKER, config.getServiceName());
        assertEquals("m0delID-XyZ987", config.getModelId());
        assertEquals("s3://my-bucket/out", config.getOutputPath());
        assertEquals("key", config.getInputKey().getKey());
        assertEquals(List.of("ml_failed"), config.getTagsOnFailure());
        assertEquals(Duration.ofMinutes(10), config.getRetryTimeWindow());
        assertEquals(Duration.ofSeconds(60), config.getRetryInterval());
        assertTrue(config.isSigningEnabled());
        assertEquals("arn:aws:iam::123456789012:role/PipelineRole", config.getAws().toCredentialsOptions().getStsRoleArn());
        assertFalse(config.getAws().toCredentialsOptions().isUseDefaultCredentialsProvider());
        assertEquals("s3", config.getDlq().getPluginName());
        assertEquals("dlq-bucket", config.getDlq().getPluginSettings().get("bucket"));
    }

    @Test
    void defaultsFollowUpstreamAndOursAreConservative() {
        final MLProcessorConfig config = ConfigBinder.bind(MINIMAL);
        assertEquals(ActionType.BATCH_PREDICT, config.getActionType());
        assertEquals(ServiceName.SAGEMAKER, config.getServiceName());
        assertEquals(100, config.getMaxBatchSize());
        assertEquals(Duration.ofMinutes(10), config.getRetryTimeWindow());
        assertEquals(Duration.ofSeconds(60), config.getRetryInterval());
        assertEquals(0, config.getMaxConcurrentJobs());
        assertFalse(config.isTrackJobs());
        assertEquals(Duration.ofSeconds(30), config.getJobPollInterval());
        assertEquals(3, config.getMaxJobAttempts());
        assertEquals(Duration.ofSeconds(60), config.getBatchWait());
        assertEquals(Map.of(), config.getParameters());
        assertFalse(config.isInsecure());
        assertNull(config.getDlq());
        // An aws block without aws_sigv4 signs, as every upstream pipeline is signed.
        assertTrue(config.isSigningEnabled());
        assertTrue(config.getAws().toCredentialsOptions().isUseDefaultCredentialsProvider());
    }

    @Test
    void awsSigv4FalseReallyTurnsSigningOff() {
        final MLProcessorConfig config = ConfigBinder.bind(MINIMAL + "aws_sigv4: false\n");
        assertFalse(config.isSigningEnabled());
        final MLProcessorConfig basic = ConfigBinder.bind("""
                host: "https://localhost:9200"
                model_id: "m1"
                output_path: "s3://out-bucket/prefix"
                username: admin
                password: secret
                insecure: true
                """);
        assertFalse(basic.isSigningEnabled());
        assertEquals("admin", basic.getUsername());
        assertTrue(basic.isInsecure());
    }

    @Test
    void eachInvalidOptionIsNamedInTheError() {
        assertProblem(MINIMAL.replace("https://search-x.us-east-1.es.amazonaws.com", "search-x.us-east-1"), "host must be an http:// or https:// URL");
        assertProblem(MINIMAL.replace("s3://out-bucket/prefix", "out-bucket/prefix"), "output_path is required");
        assertProblem(MINIMAL + "retry_interval: 1s\n", "retry_interval must be between 3s and 300s");
        assertProblem(MINIMAL + "retry_interval: 301s\n", "retry_interval must be between 3s and 300s");
        assertProblem(MINIMAL + "job_poll_interval: 50ms\n", "job_poll_interval must be between 100ms and 10m");
        assertProblem(MINIMAL + "retry_time_window: 8d\n", "retry_time_window must be between 1s and 7d");
        assertProblem(MINIMAL + "max_batch_size: 0\n", "max_batch_size must be at least 1");
        assertProblem(MINIMAL + "max_job_attempts: 0\n", "max_job_attempts must be at least 1");
        assertProblem(MINIMAL + "max_concurrent_jobs: -1\n", "max_concurrent_jobs must be 0");
        assertProblem(MINIMAL + "username: admin\npassword: x\n", "username and password go together");
        assertProblem(MINIMAL + "parameters: { TransformJobName: mine }\n", "parameters must not set TransformJobName");
        assertProblem(MINIMAL + "dlq: { sqs: { queue: x } }\n", "dlq must name exactly one DLQ plugin, and only s3");
        assertProblem(MINIMAL + "s3_endpoint: localhost:9000\n", "s3_endpoint must be an http:// or https:// URL");
        assertProblem(MINIMAL.replace("model_id: \"m1\"\n", ""), "model_id is required");
        assertProblem(MINIMAL.replace("aws:\n  region: \"us-east-1\"\n", "aws_sigv4: true\n"), "aws.region is required when requests are signed");
        assertProblem(MINIMAL + "action_type: predict\n", "input_key is required with action_type predict");
        assertProblem(MINIMAL + "action_type: predict\ninput_key: /text\n", "output_key is required with action_type predict");
        assertProblem(MINIMAL.replace("region: \"us-east-1\"", "region: \"us-east-1\"\n  sts_role_arn: \"not-an-arn-but-long-enough\""), "aws.sts_role_arn must look like");
    }

    @Test
    void theAwsBlockIsTheSharedOnePlusJobRoleAndServerless() {
        final MLProcessorConfig config = ConfigBinder.bind(UPSTREAM_EXAMPLE);
        assertEquals(software.amazon.awssdk.regions.Region.US_EAST_1, config.getAws().getAwsRegion());
        assertEquals("us-east-1", config.getAws().regionId());
        assertEquals("optional", config.getAws().getAwsStsExternalId());
        assertEquals(Map.of(), config.getAws().getAwsStsHeaderOverrides());
        assertEquals("arn:aws:iam::123456789012:role/BedrockBatchRole", config.getAws().getJobStsRoleArn());
        assertFalse(config.getAws().isServerless());
        // A named configuration is asked for by name, not as inline options.
        final dev.mlbatch.testing.aws.StaticCredentialsSupplier supplier = new dev.mlbatch.testing.aws.StaticCredentialsSupplier("a", "b");
        ConfigBinder.bind(MINIMAL.replace("region: \"us-east-1\"", "region: \"us-east-1\"\n  configuration: shared")).getAws().credentials(supplier);
        assertEquals(List.of(), supplier.requested());
        ConfigBinder.bind(MINIMAL).getAws().credentials(supplier);
        assertEquals(1, supplier.requested().size());
        // Unsigned, so only the blank region itself is the problem (signed, "aws.region is required" comes first).
        assertProblem(MINIMAL.replace("region: \"us-east-1\"", "region: \" \"") + "aws_sigv4: false\n", "aws.region must not be blank");
        assertProblem(MINIMAL.replace("region: \"us-east-1\"", "region: \"us-east-1\"\n  configuration: shared\n  sts_external_id: ext"),
                "aws.configuration cannot be combined with sts_role_arn, sts_header_overrides or sts_external_id");
    }

    @Test
    void unknownKeysAndValuesAreRefused() {
        final IllegalArgumentException unknownKey = assertThrows(IllegalArgumentException.class, () -> ConfigBinder.bind(MINIMAL + "max_jobs: 3\n"));
        assertTrue(unknownKey.getMessage().contains("max_jobs"), unknownKey.getMessage());
        final IllegalArgumentException badService = assertThrows(IllegalArgumentException.class, () -> ConfigBinder.bind(MINIMAL + "service_name: vertex\n"));
        assertTrue(badService.getMessage().contains("service_name must be one of sagemaker, bedrock, openai, cohere; got 'vertex'"),
                badService.getMessage());
        final IllegalArgumentException badAction = assertThrows(IllegalArgumentException.class, () -> ConfigBinder.bind(MINIMAL + "action_type: stream\n"));
        assertTrue(badAction.getMessage().contains("action_type must be one of batch_predict, predict"), badAction.getMessage());
    }

    @Test
    void predictModeNeedsNoOutputPath() {
        final MLProcessorConfig config = ConfigBinder.bind("""
                host: "http://127.0.0.1:9200"
                aws_sigv4: false
                action_type: predict
                model_id: "m1"
                input_key: "/text"
                output_key: "/embedding"
                max_batch_size: 8
                """);
        assertEquals(ActionType.PREDICT, config.getActionType());
        assertEquals("/embedding", config.getOutputKey().getKey());
    }

    private static void assertProblem(final String yaml, final String expected) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigBinder.bind(yaml));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
