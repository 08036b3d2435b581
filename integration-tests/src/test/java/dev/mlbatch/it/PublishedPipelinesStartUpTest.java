package dev.mlbatch.it;

import dev.mlbatch.runtime.DataPrepperRuntime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

/**
 * The local pipelines in {@code pipelines/local/} pass start-up with the real plugins: every plugin's settings bind
 * to its configuration class and every plugin is created (what {@code mlbatch run} does before any work begins),
 * with the values the local stack's env file would give. {@code PublishedPipelinesTest} in pipeline-runtime checks
 * their shape without the plugins.
 */
class PublishedPipelinesStartUpTest {
    /** Surefire runs in target/ (see the pom); basedir is the module folder. */
    private static final Path LOCAL_PIPELINES = Path.of(System.getProperty("basedir", "."), "..", "pipelines", "local");
    private static final Map<String, String> STACK_ENV = Map.of(
            "MLBATCH_S3_BUCKET", "local-test-bucket",
            "AWS_REGION", "us-east-1",
            "MLBATCH_GATEWAY_URL", "http://127.0.0.1:9",
            "MLBATCH_SAGEMAKER_BATCH_MODEL_ID", "sagemaker-model-id",
            "MLBATCH_BEDROCK_BATCH_MODEL_ID", "bedrock-model-id",
            "MLBATCH_INDEX", "wordnet-test");

    @ParameterizedTest(name = "pipelines/local/{0}")
    @ValueSource(strings = {"sagemaker", "bedrock"})
    void everyStageOfTheProviderPassesStartUpValidation(final String provider) {
        DataPrepperRuntime.builder().pipelines(LOCAL_PIPELINES.resolve(provider)).env(STACK_ENV).envFile(null).build().validate();
    }
}
