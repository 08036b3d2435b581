package dev.mlbatch.plugins.mlinference.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.MLProcessor;
import dev.mlbatch.plugins.mlinference.batch.JobEventFactory;
import dev.mlbatch.plugins.mlinference.support.ConfigBinder;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.sigv4.SignedHttpClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.mlbatch.testing.aws.StaticCredentialsSupplier;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.record.Record;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * One test run against the shared local stack: a run id that prefixes every S3 key and job input, input
 * objects written to the stack's S3, and ml_inference processors built from YAML the way the runtime
 * builds them, fed metadata_only-shaped events (bucket, key, time, length from S3 itself).
 */
public final class StackRun implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The role a test DLQ writes with; the test credentials supplier gives it the correct local key. */
    static final String DLQ_ROLE = "arn:aws:iam::123456789012:role/dlq-writer";

    public final LocalStack stack;
    public final String run = "mlinf-" + UUID.randomUUID().toString().substring(0, 8);
    public final S3Client s3;
    private final Path stateDir;
    private final List<MLProcessor> processors = new ArrayList<>();

    public StackRun(final LocalStack stack, final Path stateDir) {
        if (Metrics.globalRegistry.getRegistries().isEmpty()) {
            Metrics.globalRegistry.add(new SimpleMeterRegistry()); // so that counters count
        }
        this.stack = stack;
        this.s3 = stack.newS3Client();
        this.stateDir = stateDir;
    }

    public String bucket() {
        return stack.bucket();
    }

    /** Bedrock batch input: {@code records} lines of {recordId, modelInput.inputText}. */
    public String putBedrockInput(final String name, final int records) throws Exception {
        final StringBuilder body = new StringBuilder();
        for (int i = 0; i < records; i++) {
            body.append(JSON.writeValueAsString(Map.of("recordId", String.format("REC%08d", i),
                    "modelInput", Map.of("inputText", "Document " + i + " of " + name + " about batch inference.")))).append('\n');
        }
        return put(run + "/bedrock/input/" + name, body.toString());
    }

    /** SageMaker batch input: lines of {_id, text} (the connector's InputFilter is $.text). */
    public String putSageMakerInput(final String name, final int records) throws Exception {
        final StringBuilder body = new StringBuilder();
        for (int i = 0; i < records; i++) {
            body.append(JSON.writeValueAsString(Map.of("_id", name + "-" + i, "text", "Passage " + i + " of " + name + "."))).append('\n');
        }
        return put(run + "/sagemaker/input/" + name, body.toString());
    }

    /** Uploads test data. */
    public String put(final String key, final String body) {
        s3.putObject(r -> r.bucket(bucket()).key(key), RequestBody.fromString(body, StandardCharsets.UTF_8));
        return key;
    }

    /** A Bedrock {@code _batch_predict} body as any ML Commons client sends it (for jobs not made by a processor). */
    public Map<String, Object> bedrockBatchPredictBody(final String key, final String jobName) {
        return Map.of("parameters", Map.of(
                "inputDataConfig", Map.of("s3InputDataConfig", Map.of("s3Uri", "s3://" + bucket() + "/" + key)),
                "jobName", jobName,
                "outputDataConfig", Map.of("s3OutputDataConfig", Map.of("s3Uri", "s3://" + bucket() + "/" + run + "/other-output/"))));
    }

    /** The event the s3 source emits for this object in metadata_only mode. */
    public Event metadataEvent(final String key) {
        final HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket()).key(key));
        return JacksonEvent.builder().withEventType("event").withData(Map.of("bucket", bucket(), "key", key,
                "time", head.lastModified().getEpochSecond(), "length", head.contentLength())).build();
    }

    public Event eventFor(final String key) {
        return JacksonEvent.builder().withEventType("event").withData(Map.of("bucket", bucket(), "key", key,
                "time", 1753870500L, "length", 100L)).build();
    }

    /** Processor options common to all runs; {@code extra} adds or overrides keys. */
    public String baseYaml(final String service, final String modelId) {
        return "host: \"" + stack.gatewayUrl() + "\"\n"
                + "service_name: " + service + "\n"
                + "model_id: \"" + modelId + "\"\n"
                + "output_path: \"s3://" + bucket() + "/" + run + "/" + service + "/output\"\n"
                + "aws:\n  region: \"" + stack.region() + "\"\n"
                + "s3_endpoint: \"" + stack.s3Endpoint() + "\"\n"
                + "tags_on_failure: [ml_failed]\n"
                + "dlq:\n  s3:\n    bucket: \"" + bucket() + "\"\n    key_path_prefix: \"" + run + "/dlq/\"\n"
                + "state_directory: \"" + stateDir + "\"\n";
    }

    public MLProcessor processor(final String yaml) {
        return processor(yaml, LocalCredentials.SECRET_ACCESS_KEY);
    }

    public MLProcessor processor(final String yaml, final String secretKey) {
        final PluginSetting setting = new PluginSetting("ml_inference", Map.of());
        setting.setPipelineName(run);
        final ExpressionEvaluator evaluator = mock(ExpressionEvaluator.class);
        when(evaluator.isValidExpressionStatement(anyString())).thenReturn(true);
        final MLProcessor processor = new MLProcessor(ConfigBinder.bind(yaml),
                PluginMetrics.fromNames("ml_inference", run + "-" + processors.size()), null, setting,
                new StaticCredentialsSupplier(LocalCredentials.ACCESS_KEY_ID, secretKey)
                        .withRole(DLQ_ROLE, LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY), evaluator);
        processors.add(processor);
        return processor;
    }

    /** Calls the processor as the runtime does, including with empty batches, until {@code done} or the timeout. */
    public static List<Record<Event>> drive(final MLProcessor processor, final List<Event> input,
                                            final Predicate<List<Record<Event>>> done, final Duration timeout) throws InterruptedException {
        final List<Record<Event>> out = new ArrayList<>(processor.execute(input.stream().map(Record::new).toList()));
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(out) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            out.addAll(processor.execute(List.of()));
        }
        return out;
    }

    public static List<Event> jobEvents(final List<Record<Event>> out) {
        return out.stream().map(Record::getData).filter(e -> JobEventFactory.EVENT_TYPE.equals(e.getMetadata().getEventType())).toList();
    }

    public static List<Event> inputEvents(final List<Record<Event>> out) {
        return out.stream().map(Record::getData).filter(e -> !JobEventFactory.EVENT_TYPE.equals(e.getMetadata().getEventType())).toList();
    }

    public List<String> keys(final String prefix) {
        return s3.listObjectsV2Paginator(r -> r.bucket(bucket()).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }

    public String read(final String key) {
        return s3.getObjectAsBytes(r -> r.bucket(bucket()).key(key)).asString(StandardCharsets.UTF_8);
    }

    /** Every dead letter written under this run's DLQ prefix. */
    public List<JsonNode> deadLetters() throws Exception {
        final List<JsonNode> letters = new ArrayList<>();
        for (final String key : keys(run + "/dlq/")) {
            for (final JsonNode object : JSON.readTree(read(key))) {
                letters.add(object.path("failedData"));
            }
        }
        return letters;
    }

    /** The sum of this run's processors' counter {@code metric} (e.g. batchJobsThrottled). */
    public double counter(final String metric) {
        return Metrics.globalRegistry.getMeters().stream()
                .filter(meter -> meter instanceof Counter && meter.getId().getName().startsWith(run + "-")
                        && meter.getId().getName().endsWith(".ml_inference." + metric))
                .mapToDouble(meter -> ((Counter) meter).count())
                .sum();
    }

    /** How many jobs whose name contains {@code namePart} the model service has (asked with its own List API). */
    public int providerJobsNamed(final String service, final String namePart) throws Exception {
        if (service.equals("sagemaker")) {
            final SignedHttpClient client = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY,
                    stack.region(), "sagemaker");
            final HttpResponse<String> answer = client.send("POST", stack.modelServiceUrl() + "/sagemaker/ListTransformJobs",
                    JSON.writeValueAsString(Map.of("NameContains", namePart, "MaxResults", 100)));
            return JSON.readTree(answer.body()).path("TransformJobSummaries").size();
        }
        final SignedHttpClient client = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY,
                stack.region(), "bedrock");
        final HttpResponse<String> answer = client.send("GET", stack.modelServiceUrl() + "/bedrock/model-invocation-jobs?nameContains="
                + namePart + "&maxResults=100", null);
        return JSON.readTree(answer.body()).path("invocationJobSummaries").size();
    }

    @Override
    public void close() {
        processors.forEach(MLProcessor::shutdown);
        s3.close();
    }
}
