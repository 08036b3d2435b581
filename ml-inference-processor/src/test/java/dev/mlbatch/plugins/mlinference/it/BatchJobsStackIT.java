package dev.mlbatch.plugins.mlinference.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.plugins.mlinference.MLProcessor;
import dev.mlbatch.plugins.mlinference.batch.SlotsHeldElsewhereReport;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.ml.UnfinishedBatchTasks;
import dev.mlbatch.stack.model.ModelServiceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static dev.mlbatch.plugins.mlinference.it.StackRun.inputEvents;
import static dev.mlbatch.plugins.mlinference.it.StackRun.jobEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The processor against the real local stack: signed requests through the SigV4 gateway to the real
 * OpenSearch 2.19.1 + ML Commons, which drives the local SageMaker/Bedrock model service, which writes
 * real embeddings to the local S3.
 */
@ExtendWith(LocalStackExtension.class)
class BatchJobsStackIT {
    @TempDir
    Path state;
    private StackRun run;

    @BeforeEach
    void start(final LocalStack stack) {
        stack.resetModelService();
        run = new StackRun(stack, state);
    }

    @AfterEach
    void stop() {
        run.close();
    }

    @Test
    void sageMakerJobsAreCreatedTrackedToCompletedAndWriteTheirOutputs() throws Exception {
        final List<Event> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(run.metadataEvent(run.putSageMakerInput("part-" + i + ".jsonl", 5)));
        }
        final MLProcessor processor = run.processor(run.baseYaml("sagemaker", run.stack.sageMakerBatchModelId())
                + "track_jobs: true\njob_poll_interval: 500ms\nmax_batch_size: 2\nbatch_wait: 1s\n");
        final List<Record<Event>> out = StackRun.drive(processor, events, o -> jobEvents(o).size() == 2 && inputEvents(o).size() == 3,
                Duration.ofMinutes(3));
        assertEquals(2, jobEvents(out).size(), "3 objects, max_batch_size 2: two transform jobs; got " + out.size() + " records");
        assertTrue(run.deadLetters().isEmpty(), run.deadLetters().toString());
        int outputs = 0;
        for (final Event job : jobEvents(out)) {
            assertEquals("COMPLETED", job.get("state", String.class), job.toJsonString());
            assertEquals("Completed", job.get("provider_status", String.class));
            final String outputUri = job.get("output_uri", String.class);
            assertTrue(outputUri.endsWith("/" + job.get("job_name", String.class)), outputUri);
            final List<String> keys = run.keys(outputUri.substring(("s3://" + run.bucket() + "/").length()) + "/");
            assertEquals(job.getList("input_uris", String.class).size(), keys.size(), keys.toString());
            for (final String key : keys) {
                final String[] lines = run.read(key).split("\n");
                assertEquals(5, lines.length, key);
                assertEquals(384, StackRun.JSON.readTree(lines[0]).path("SageMakerOutput").size(), key);
                outputs++;
            }
        }
        assertEquals(3, outputs);
        for (final Event input : inputEvents(out)) {
            assertEquals("COMPLETED", input.get("job_state", String.class));
            assertTrue(input.get("task_id", String.class) != null);
        }
    }

    @Test
    void bedrockJobsAreCreatedTrackedToCompletedAndWriteTheirOutputs() throws Exception {
        final List<Event> events = List.of(run.metadataEvent(run.putBedrockInput("a.jsonl", 100)),
                run.metadataEvent(run.putBedrockInput("b.jsonl", 100)));
        final MLProcessor processor = run.processor(run.baseYaml("bedrock", run.stack.bedrockBatchModelId())
                + "track_jobs: true\njob_poll_interval: 500ms\n");
        final List<Record<Event>> out = StackRun.drive(processor, events, o -> jobEvents(o).size() == 2 && inputEvents(o).size() == 2,
                Duration.ofMinutes(3));
        assertEquals(2, jobEvents(out).size());
        for (final Event job : jobEvents(out)) {
            assertEquals("COMPLETED", job.get("state", String.class), job.toJsonString());
            final String outputUri = job.get("output_uri", String.class);
            final String prefix = outputUri.substring(("s3://" + run.bucket() + "/").length());
            final String name = job.get("input_uri", String.class).substring(job.get("input_uri", String.class).lastIndexOf('/') + 1);
            final List<String> keys = run.keys(prefix);
            assertTrue(keys.contains(prefix + name + ".out"), keys.toString());
            assertTrue(keys.contains(prefix + "manifest.json.out"), keys.toString());
            assertEquals(100, run.read(prefix + name + ".out").split("\n").length);
            final Map<?, ?> records = (Map<?, ?>) job.toMap().get("records");
            assertEquals(100, ((Number) records.get("success")).intValue(), job.toJsonString());
        }
    }

    @Test
    void throttledByMaxBatchInferenceTasksAllTwentyJobsCompleteOnceWithNoDeadLetter() throws Exception {
        final OpenSearchHttp os = new OpenSearchHttp(run.stack.openSearchUrl());
        // ML Commons counts CREATED and RUNNING batch tasks cluster-wide: tasks of earlier runs on a reused stack
        // (a killed test, a pipeline that stopped following its jobs) would take this test's slots. Read them
        // until they end; any that will not end within the wait keep their slot, and this run gets two more.
        final List<UnfinishedBatchTasks.Task> foreign = new UnfinishedBatchTasks(os).refreshUntilEnded(Duration.ofSeconds(90));
        final int limit = 2 + foreign.size();
        if (!foreign.isEmpty()) {
            System.out.println("batch tasks of other runs still hold slots, limit raised to " + limit + ": " + foreign);
        }
        os.put("/_cluster/settings", Map.of("persistent", Map.of("plugins.ml_commons.max_batch_inference_tasks", limit))).orThrow("limit");
        try {
            final List<Event> events = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                events.add(run.metadataEvent(run.putBedrockInput(String.format("t-%02d.jsonl", i), 100)));
            }
            final MLProcessor processor = run.processor(run.baseYaml("bedrock", run.stack.bedrockBatchModelId())
                    + "track_jobs: true\njob_poll_interval: 300ms\nretry_interval: 3s\n");
            final List<Record<Event>> out = StackRun.drive(processor, events, o -> jobEvents(o).size() == 20 && inputEvents(o).size() == 20,
                    Duration.ofMinutes(8));
            assertEquals(20, jobEvents(out).size(), "jobs ended: " + jobEvents(out).size() + " of 20");
            assertTrue(jobEvents(out).stream().allMatch(e -> "COMPLETED".equals(e.get("state", String.class))));
            assertTrue(inputEvents(out).stream().noneMatch(e -> e.getMetadata().getTags().contains("ml_failed")));
            assertTrue(run.deadLetters().isEmpty(), "none dead-lettered");
            assertTrue(run.counter("batchJobsThrottled") > 0, "ML Commons answered 429 at least once");
            final HashSet<String> names = new HashSet<>();
            for (final Event job : jobEvents(out)) {
                final String name = job.get("job_name", String.class);
                assertTrue(names.add(name));
                final String work = name.substring(0, name.lastIndexOf("-a"));
                assertEquals(1, run.providerJobsNamed("bedrock", work), "exactly one provider job for " + name);
            }
        } finally {
            final Map<String, Object> reset = new HashMap<>();
            reset.put("plugins.ml_commons.max_batch_inference_tasks", null);
            os.put("/_cluster/settings", Map.of("persistent", reset)).orThrow("reset limit");
        }
    }

    @Test
    void aSlotHeldByAnotherRunsTaskIsNamedInTheLog() throws Exception {
        final OpenSearchHttp os = new OpenSearchHttp(run.stack.openSearchUrl());
        new UnfinishedBatchTasks(os).refreshUntilEnded(Duration.ofSeconds(90));
        // Another client's job, slow enough to hold ML Commons' only slot while this processor tries.
        run.stack.configureModelService(new ModelServiceConfig(1, 3000L, null, null));
        final String foreignTask = os.post("/_plugins/_ml/models/" + run.stack.bedrockBatchModelId() + "/_batch_predict",
                run.bedrockBatchPredictBody(run.putBedrockInput("other.jsonl", 100), run.run + "-other")).orThrow("foreign job").path("task_id").asText();
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        final Logger reportLogger = (Logger) LoggerFactory.getLogger(SlotsHeldElsewhereReport.class);
        reportLogger.addAppender(log);
        final int limit = new UnfinishedBatchTasks(os).list().size(); // no free slot
        os.put("/_cluster/settings", Map.of("persistent", Map.of("plugins.ml_commons.max_batch_inference_tasks", limit))).orThrow("limit");
        try {
            final MLProcessor processor = run.processor(run.baseYaml("bedrock", run.stack.bedrockBatchModelId())
                    + "job_poll_interval: 300ms\nretry_interval: 3s\n");
            StackRun.drive(processor, List.of(run.metadataEvent(run.putBedrockInput("mine.jsonl", 100))),
                    o -> log.list.stream().anyMatch(e -> e.getFormattedMessage().contains(foreignTask)), Duration.ofSeconds(30));
            assertTrue(log.list.stream().anyMatch(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(foreignTask)
                            && e.getFormattedMessage().contains("none of ours is running")),
                    "the blocking task is named: " + log.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        } finally {
            reportLogger.detachAppender(log);
            final Map<String, Object> reset = new HashMap<>();
            reset.put("plugins.ml_commons.max_batch_inference_tasks", null);
            os.put("/_cluster/settings", Map.of("persistent", reset)).orThrow("reset limit");
            run.stack.resetModelService();
            new UnfinishedBatchTasks(os).refreshUntilEnded(Duration.ofSeconds(60));
        }
    }

    @Test
    void badInputIsTaggedAndDeadLetteredWithItsReason() throws Exception {
        final String rejected = run.put(run.run + "/bedrock/input/notes.txt", "{\"recordId\":\"R1\",\"modelInput\":{\"inputText\":\"x\"}}\n");
        final List<Event> events = List.of(
                JacksonEvent.builder().withEventType("event").withData(Map.of("key", "no-bucket.jsonl")).build(),
                JacksonEvent.builder().withEventType("event").withData(Map.of("bucket", run.bucket())).build(),
                run.eventFor(run.run + "/bedrock/input/does-not-exist.jsonl"),
                run.metadataEvent(rejected));
        final MLProcessor processor = run.processor(run.baseYaml("bedrock", run.stack.bedrockBatchModelId())
                + "track_jobs: true\njob_poll_interval: 300ms\nmax_job_attempts: 2\n");
        final List<Record<Event>> out = StackRun.drive(processor, events, o -> inputEvents(o).size() == 4, Duration.ofMinutes(3));
        assertEquals(4, inputEvents(out).size());
        assertTrue(inputEvents(out).stream().allMatch(e -> e.getMetadata().getTags().contains("ml_failed")));
        final List<String> messages = run.deadLetters().stream().map(l -> l.path("status").asInt() + " " + l.path("message").asText()).toList();
        assertEquals(4, messages.size(), messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("400 event has no 'bucket' field")), messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("400 event has no 'key' field")), messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.equals("404 input object s3://" + run.bucket() + "/" + run.run
                + "/bedrock/input/does-not-exist.jsonl does not exist")), messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.contains("ended FAILED") && m.contains(".jsonl")
                        // the provider refused the file itself: no second paid attempt, though max_job_attempts is 2
                        && m.contains("after 1 attempt(s)")),
                messages.toString());
    }

    @Test
    void unknownModelIdIsAPermanentFailure() throws Exception {
        final MLProcessor processor = run.processor(run.baseYaml("bedrock", "no-such-model-id"));
        final List<Record<Event>> out = StackRun.drive(processor, List.of(run.metadataEvent(run.putBedrockInput("m.jsonl", 100))),
                o -> inputEvents(o).size() == 1, Duration.ofMinutes(1));
        assertTrue(inputEvents(out).get(0).getMetadata().getTags().contains("ml_failed"));
        final JsonNode letter = run.deadLetters().get(0);
        assertTrue(letter.path("status").asInt() == 404 || letter.path("status").asInt() == 400, letter.toString());
        assertTrue(letter.path("message").asText().toLowerCase().contains("model"), letter.toString());
    }

    @Test
    void wrongCredentialsAreRefusedByTheSigV4GatewayAndDeadLettered() throws Exception {
        // The processor's own key is wrong; the DLQ writes with its own (correct) role.
        final MLProcessor processor = run.processor(run.baseYaml("bedrock", run.stack.bedrockBatchModelId())
                .replace("    key_path_prefix:", "    sts_role_arn: \"" + StackRun.DLQ_ROLE + "\"\n    key_path_prefix:")
                + "check_input_objects: false\n", "wrong-secret-key");
        final List<Record<Event>> out = StackRun.drive(processor, List.of(run.eventFor(run.run + "/bedrock/input/w.jsonl")),
                o -> inputEvents(o).size() == 1, Duration.ofMinutes(1));
        assertTrue(inputEvents(out).get(0).getMetadata().getTags().contains("ml_failed"));
        final JsonNode letter = run.deadLetters().get(0);
        assertEquals(403, letter.path("status").asInt(), letter.toString());
        assertTrue(letter.path("message").asText().contains("signature"), letter.toString());
    }

    @Test
    void unreachableOpenSearchIsRetriedThenDeadLettered() throws Exception {
        final int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        final MLProcessor processor = run.processor(run.baseYaml("bedrock", run.stack.bedrockBatchModelId())
                .replace(run.stack.gatewayUrl(), "http://127.0.0.1:" + port) + "retry_time_window: 4s\nretry_interval: 3s\n");
        final List<Record<Event>> out = StackRun.drive(processor, List.of(run.metadataEvent(run.putBedrockInput("u.jsonl", 100))),
                o -> inputEvents(o).size() == 1, Duration.ofMinutes(1));
        assertTrue(inputEvents(out).get(0).getMetadata().getTags().contains("ml_failed"));
        final JsonNode letter = run.deadLetters().get(0);
        assertTrue(letter.path("message").asText().contains("unreachable"), letter.toString());
    }
}
