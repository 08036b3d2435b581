package dev.mlbatch.plugins.mlinference.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.MLProcessor;
import dev.mlbatch.plugins.mlinference.batch.JobEventFactory;
import dev.mlbatch.plugins.mlinference.support.ConfigBinder;
import dev.mlbatch.plugins.mlinference.support.PermissiveExpressionEvaluator;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.model.ModelServiceConfig;
import dev.mlbatch.testing.aws.StaticCredentialsSupplier;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.record.Record;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code ./mlbatch bench jobs}: 20 Bedrock batch jobs through the ml_inference processor and the real
 * ML Commons on the local stack with {@code plugins.ml_commons.max_batch_inference_tasks=2}. Prints the
 * makespan (first submission to last job seen finished) next to the ideal: 10 rounds of two jobs, each
 * round as long as the mean job duration the provider reports (submitTime to endTime). The last line is
 * {@code jobs: <ratio> of ideal makespan (target <= 1.15)}.
 */
public final class JobsBenchmark {
    private static final int OBJECTS = 20;
    private static final int SLOTS = 2;
    /** Records per input object (argument 1 overrides): enough that a job runs seconds, as batch jobs do, not milliseconds. */
    private static final int DEFAULT_RECORDS_PER_OBJECT = 500;
    private static int RECORDS_PER_OBJECT = DEFAULT_RECORDS_PER_OBJECT;
    private static final ObjectMapper JSON = new ObjectMapper();

    private JobsBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length > 0) {
            RECORDS_PER_OBJECT = Integer.parseInt(args[0]);
        }
        final LocalStack stack = LocalStack.startForTests();
        final OpenSearchHttp os = new OpenSearchHttp(stack.openSearchUrl());
        final String run = "bench-jobs-" + UUID.randomUUID().toString().substring(0, 8);
        // Two slots mean two jobs at a time: let the model service run two at once, as the provider would.
        stack.configureModelService(new ModelServiceConfig(SLOTS, 0L, null, null));
        waitForNoForeignBatchTasks(os);
        final String modelService = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(stack.modelServiceUrl() + "/_mlbatch/config")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        System.out.printf("jobs benchmark %s: %d Bedrock objects x %d records, max_batch_inference_tasks=%d, model service %s%n",
                run, OBJECTS, RECORDS_PER_OBJECT, SLOTS, modelService);
        os.put("/_cluster/settings", Map.of("persistent", Map.of("plugins.ml_commons.max_batch_inference_tasks", SLOTS))).orThrow("set limit");
        final Path state = Files.createTempDirectory("jobs-bench");
        MLProcessor processor = null;
        try (S3Client s3 = stack.newS3Client()) {
            final List<Event> events = new ArrayList<>();
            for (int i = 0; i < OBJECTS; i++) {
                final String key = run + "/input/part-" + String.format("%02d", i) + ".jsonl";
                final StringBuilder body = new StringBuilder();
                for (int r = 0; r < RECORDS_PER_OBJECT; r++) {
                    body.append(JSON.writeValueAsString(Map.of("recordId", String.format("R%02d%06d", i, r),
                            "modelInput", Map.of("inputText", "Benchmark passage " + r + " of object " + i + " about offline inference.")))).append('\n');
                }
                put(s3, stack.bucket(), key, body.toString());
                final HeadObjectResponse head = s3.headObject(h -> h.bucket(stack.bucket()).key(key));
                events.add(JacksonEvent.builder().withEventType("event").withData(Map.of("bucket", stack.bucket(), "key", key,
                        "time", head.lastModified().getEpochSecond(), "length", head.contentLength())).build());
            }
            final String yaml = "host: \"" + stack.gatewayUrl() + "\"\n"
                    + "service_name: bedrock\n"
                    + "model_id: \"" + stack.bedrockBatchModelId() + "\"\n"
                    + "output_path: \"s3://" + stack.bucket() + "/" + run + "/output\"\n"
                    + "aws:\n  region: \"" + stack.region() + "\"\n"
                    + "s3_endpoint: \"" + stack.s3Endpoint() + "\"\n"
                    + "track_jobs: true\njob_poll_interval: 250ms\nretry_interval: 3s\n"
                    + "state_directory: \"" + state + "\"\n";
            final PluginSetting setting = new PluginSetting("ml_inference", Map.of());
            setting.setPipelineName(run);
            processor = new MLProcessor(ConfigBinder.bind(yaml), setting, PluginMetrics.fromNames("ml_inference", run),
                    new StaticCredentialsSupplier(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY),
                    new PermissiveExpressionEvaluator());

            final Instant start = Instant.now();
            final List<Event> jobs = new ArrayList<>();
            List<Record<Event>> batch = events.stream().map(Record::new).toList();
            final long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
            while (jobs.size() < OBJECTS && System.nanoTime() < deadline) {
                for (final Record<Event> record : processor.execute(batch)) {
                    if (JobEventFactory.EVENT_TYPE.equals(record.getData().getMetadata().getEventType())) {
                        jobs.add(record.getData());
                    }
                }
                batch = List.of();
                Thread.sleep(50);
            }
            final Duration makespan = Duration.between(start, Instant.now());
            if (jobs.size() < OBJECTS) {
                throw new IllegalStateException("only " + jobs.size() + " of " + OBJECTS + " jobs ended within 20 minutes");
            }
            long providerTotalMs = 0;
            long observedTotalMs = 0;
            int completed = 0;
            for (final Event job : jobs) {
                completed += "COMPLETED".equals(job.get("state", String.class)) ? 1 : 0;
                observedTotalMs += job.get("duration_ms", Long.class);
                final JsonNode remote = os.get("/_plugins/_ml/tasks/" + job.get("task_id", String.class)).orThrow("task").path("remote_job");
                providerTotalMs += Duration.between(Instant.parse(remote.path("submitTime").asText()),
                        Instant.parse(remote.path("endTime").asText())).toMillis();
            }
            final double providerMean = providerTotalMs / (double) OBJECTS;
            final double observedMean = observedTotalMs / (double) OBJECTS;
            final double ideal = (OBJECTS / (double) SLOTS) * providerMean;
            System.out.printf(Locale.ROOT, "jobs completed: %d of %d, distinct job names: %d%n", completed, OBJECTS,
                    jobs.stream().map(e -> e.get("job_name", String.class)).distinct().count());
            System.out.printf(Locale.ROOT, "mean job duration: %.1f s at the provider (submitTime..endTime), %.1f s as the processor saw it%n",
                    providerMean / 1000, observedMean / 1000);
            System.out.printf(Locale.ROOT, "makespan: %.1f s; ideal: %d rounds x %.1f s = %.1f s%n",
                    makespan.toMillis() / 1000.0, OBJECTS / SLOTS, providerMean / 1000, ideal / 1000);
            System.out.printf(Locale.ROOT, "jobs: %.2f of ideal makespan (target <= 1.15)%n", makespan.toMillis() / ideal);
        } finally {
            if (processor != null) {
                processor.shutdown();
            }
            stack.resetModelService();
            final Map<String, Object> reset = new HashMap<>();
            reset.put("plugins.ml_commons.max_batch_inference_tasks", null);
            os.put("/_cluster/settings", Map.of("persistent", reset));
        }
    }

    /** The local S3 now and then drops a PUT connection (seen with s3proxy 4.1); the benchmark's inputs must get there. */
    private static void put(final S3Client s3, final String bucket, final String key, final String body) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                s3.putObject(p -> p.bucket(bucket).key(key), RequestBody.fromString(body));
                return;
            } catch (final software.amazon.awssdk.core.exception.SdkClientException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    /** Batch tasks of others count against the cluster-wide limit; a fair measurement starts without them. */
    private static void waitForNoForeignBatchTasks(final OpenSearchHttp os) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            final JsonNode answer = os.post("/_plugins/_ml/tasks/_search", Map.of("size", 0, "query", Map.of("bool", Map.of("filter", List.of(
                    Map.of("term", Map.of("task_type", "BATCH_PREDICTION")),
                    Map.of("terms", Map.of("state", List.of("CREATED", "RUNNING")))))))).body();
            final long running = answer.path("hits").path("total").path("value").asLong();
            if (running == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                System.out.println("warning: " + running + " batch task(s) of others still RUNNING; they take slots from this run");
                return;
            }
            Thread.sleep(2000);
        }
    }
}
