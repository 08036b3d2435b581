package dev.mlbatch.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.http.StaleConnectionRetry;
import dev.mlbatch.stack.ml.ConnectorSetup;
import dev.mlbatch.stack.model.ModelServiceConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The Java handle on the local stack for tests and tools of any module.
 *
 * <p>{@link #startOrReuse()} reuses the stack that {@code .mlbatch/stack.env} describes when it is
 * healthy and set up, otherwise starts it (and runs {@code setup}). The stack outlives the JVM, so
 * every test class of every module shares one stack; a file lock makes concurrent starts safe.
 * Stop it with {@code ./mlbatch stack down}. Under a Maven build (system property {@code mlbatch.testRun}), a
 * stack this JVM starts is marked {@link StartedByTests} and the build stops it at its end. With system property
 * {@code mlbatch.stack.stopAfterTests=true}, a JVM that had to start the stack stops it on exit.
 */
public final class LocalStack {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient ADMIN_HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static LocalStack shared;

    private final StackEnv env;

    private LocalStack(StackEnv env) {
        this.env = env;
    }

    public static synchronized LocalStack startOrReuse() {
        if (shared != null && StackLauncher.isHealthy(shared.env)) {
            return shared;
        }
        StackLauncher launcher = new StackLauncher(StackHome.locate());
        try {
            StackEnv env = StackEnv.read(launcher.home().envFile()).filter(launcher::isOwnHealthy).orElse(null);
            boolean started = false;
            if (env == null) {
                env = launcher.up(new PrintStream(System.out, true));
                started = true;
            }
            markIfThisBuildOwns(launcher.home(), started);
            if (!isSetUp(env)) {
                env = new ConnectorSetup(env, ConnectorSetup.defaultConnectorsDir())
                        .run(launcher.home().envFile(), new PrintStream(System.out, true));
            }
            if (started && Boolean.getBoolean("mlbatch.stack.stopAfterTests")) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        launcher.down(System.out);
                    } catch (IOException e) {
                        System.err.println("could not stop the local stack: " + e.getMessage());
                    }
                }, "local-stack-stop"));
            }
            shared = new LocalStack(env);
            return shared;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the local stack", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the local stack", e);
        }
    }

    /**
     * Under a Maven build, a stack this JVM started is marked as the build's, to be stopped at its end; so is one an
     * earlier build started and could not stop (it ended early). A stack started otherwise stays unmarked.
     */
    private static void markIfThisBuildOwns(StackHome home, boolean started) {
        StartedByTests.ofThisJvm().ifPresent(thisBuild -> {
            var marker = StartedByTests.read(home);
            boolean leftByEndedBuild = marker.isPresent() && !marker.get().build().equals(thisBuild.build())
                    && !marker.get().buildRunning();
            if (started || leftByEndedBuild) {
                thisBuild.write(home);
            }
        });
    }

    private static boolean isSetUp(StackEnv env) {
        return ConnectorSetup.CONNECTORS.values().stream()
                .allMatch(key -> env.get(key) != null && modelExists(env, env.get(key)));
    }

    private static boolean modelExists(StackEnv env, String modelId) {
        return StackLauncher.httpOk(env.get(StackEnv.OPENSEARCH_URL) + "/_plugins/_ml/models/" + modelId);
    }

    public StackEnv env() { return env; }
    public Map<String, String> asMap() { return env.asMap(); }
    public String openSearchUrl() { return env.get(StackEnv.OPENSEARCH_URL); }
    public String gatewayUrl() { return env.get(StackEnv.GATEWAY_URL); }
    public String s3Endpoint() { return env.get(StackEnv.S3_ENDPOINT); }
    public String bucket() { return env.get(StackEnv.S3_BUCKET); }
    public String modelServiceUrl() { return env.get(StackEnv.MODEL_SERVICE_URL); }
    public String accessKeyId() { return env.get("AWS_ACCESS_KEY_ID"); }
    public String secretAccessKey() { return env.get("AWS_SECRET_ACCESS_KEY"); }
    public String region() { return env.get("AWS_REGION"); }
    /** {@code <model service>/openai}: the OpenAI stand-in's base URL (append {@code /v1/files}, {@code /v1/batches}). */
    public String openAiUrl() { return envOr(StackEnv.OPENAI_URL, "/openai"); }
    /** {@code <model service>/cohere}: the Cohere stand-in's base URL (append {@code /v1/datasets}, {@code /v1/embed-jobs}). */
    public String cohereUrl() { return envOr(StackEnv.COHERE_URL, "/cohere"); }
    public String openAiApiKey() { return env.get(StackEnv.OPENAI_API_KEY) != null ? env.get(StackEnv.OPENAI_API_KEY) : LocalCredentials.OPENAI_API_KEY; }
    public String cohereApiKey() { return env.get(StackEnv.COHERE_API_KEY) != null ? env.get(StackEnv.COHERE_API_KEY) : LocalCredentials.COHERE_API_KEY; }
    public String openAiBatchModelId() { return env.get(StackEnv.OPENAI_BATCH_MODEL_ID); }
    public String cohereBatchModelId() { return env.get(StackEnv.COHERE_BATCH_MODEL_ID); }
    public String sageMakerBatchModelId() { return env.get(StackEnv.SAGEMAKER_BATCH_MODEL_ID); }
    public String bedrockBatchModelId() { return env.get(StackEnv.BEDROCK_BATCH_MODEL_ID); }
    public String sageMakerRealtimeModelId() { return env.get(StackEnv.SAGEMAKER_REALTIME_MODEL_ID); }
    public String bedrockRealtimeModelId() { return env.get(StackEnv.BEDROCK_REALTIME_MODEL_ID); }

    /** An S3 client for the local S3 (path-style, local credentials); close it when done. */
    private String envOr(String key, String suffixOfModelService) {
        String value = env.get(key);
        return value != null ? value : modelServiceUrl() + suffixOfModelService;
    }

    public S3Client newS3Client() {
        return S3Client.builder()
                .endpointOverride(URI.create(s3Endpoint()))
                .forcePathStyle(true)
                .region(Region.of(region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId(), secretAccessKey())))
                .httpClient(ApacheHttpClient.create())
                .build();
    }

    /** Replaces the model service's config (faults, quotas, delays, parallelism) at run time. */
    public void configureModelService(ModelServiceConfig config) {
        try {
            // PUT replaces the whole config: safe to send again after a connection reset.
            HttpResponse<String> r = StaleConnectionRetry.send(ADMIN_HTTP, HttpRequest.newBuilder(
                                    URI.create(modelServiceUrl() + "/_mlbatch/config"))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(config))).build(),
                    HttpResponse.BodyHandlers.ofString(), true);
            if (r.statusCode() != 200) {
                throw new IllegalStateException("model service refused the config: " + r.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Back to the defaults: no faults, no delay, Bedrock's default quotas. */
    public void resetModelService() {
        configureModelService(ModelServiceConfig.defaults());
    }
}
