package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import dev.mlbatch.plugins.mlinference.support.CoordinatorHarness;
import dev.mlbatch.plugins.mlinference.support.Events;
import dev.mlbatch.plugins.mlinference.support.FakeMlCommons;
import dev.mlbatch.plugins.common.testing.LocalS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchJobCoordinatorTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Embeddable for either service: SageMaker reads /text, Bedrock /modelInput/inputText. */
    static final String GOOD_RECORD = "{\"recordId\":\"r1\",\"text\":\"hello\",\"modelInput\":{\"inputText\":\"hello\"}}";
    private static LocalS3 s3;

    @TempDir
    Path dir;
    private FakeMlCommons ml;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = CoordinatorHarness.startS3();
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @BeforeEach
    void startMl() throws Exception {
        ml = new FakeMlCommons("model-1");
    }

    @AfterEach
    void stopMl() {
        ml.close();
    }

    private Path ledger() {
        return dir.resolve("test.ledger");
    }

    @Test
    void withoutTrackingEventsGoOnOnceTheirJobExists() throws Exception {
        ml.jobDuration(Duration.ofHours(1));
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), ledger()).trackJobs(false).build()) {
            h.coordinator.accept(Events.objects("in-bucket", "in/", 3));
            assertTrue(h.runUntil(out -> out.size() == 3, Duration.ofSeconds(10)));
            assertEquals(3, new HashSet<>(ml.jobsCreated()).size());
            for (final Event event : h.inputEvents()) {
                assertTrue(event.get("task_id", String.class) != null);
                assertTrue(ml.jobsCreated().contains(event.get("job_name", String.class)));
            }
            assertTrue(h.jobEvents().isEmpty());
            assertEquals(3, h.coordinator.outstanding());
        }
    }

    @Test
    void throttledByMlCommonsAllJobsCompleteWithoutDuplicatesOrDeadLetters() throws Exception {
        ml.maxRunningTasks(2).jobDuration(Duration.ofMillis(250));
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), ledger()).s3(s3).build()) {
            h.coordinator.accept(stored(Events.objects("in-bucket", "throttle/", 20)));
            assertTrue(h.runUntil(out -> h.jobEvents().size() == 20 && h.inputEvents().size() == 20, Duration.ofSeconds(60)),
                    "emitted " + h.emitted.size());
            assertEquals(20, ml.jobsCreated().size());
            assertEquals(20, new HashSet<>(ml.jobsCreated()).size(), "no duplicate job");
            assertTrue(ml.maxRunningSeen() <= 2);
            assertTrue(ml.received("_batch_predict").size() > 20, "some submissions were throttled");
            assertTrue(h.metrics.batchJobsThrottled().count() > 0);
            assertTrue(h.jobEvents().stream().allMatch(e -> "COMPLETED".equals(e.get("state", String.class))));
            assertTrue(h.inputEvents().stream().noneMatch(e -> e.getMetadata().getTags().contains("ml_failed")));
            assertEquals(0, deadLettersMentioning("throttle/"), "nothing dead-lettered");
            assertEquals(20.0, h.metrics.batchJobsCompleted().count());
            assertEquals(0.0, h.metrics.batchJobRequestsFailed().count(), "a throttled request is not a failed one");
        }
    }

    @Test
    void maxConcurrentJobsKeepsUsUnderTheLimitWithoutA429() throws Exception {
        ml.maxRunningTasks(2).jobDuration(Duration.ofMillis(200));
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), ledger()).maxConcurrentJobs(2).build()) {
            h.coordinator.accept(Events.objects("in-bucket", "limit/", 6));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 6, Duration.ofSeconds(30)));
            assertEquals(6, ml.received("_batch_predict").size(), "no request was refused");
            assertEquals(0.0, h.metrics.batchJobsThrottled().count());
        }
    }

    @Test
    void aReplayedEventJoinsItsExistingJob() throws Exception {
        ml.jobDuration(Duration.ofMillis(300));
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), ledger()).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "replay/a.jsonl")));
            assertTrue(h.runUntil(out -> ml.jobsCreated().size() == 1, Duration.ofSeconds(10)));
            // redelivered while the job runs
            h.coordinator.accept(List.of(Events.object("in-bucket", "replay/a.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 2, Duration.ofSeconds(10)));
            // redelivered after it completed
            h.coordinator.accept(List.of(Events.object("in-bucket", "replay/a.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 3, Duration.ofSeconds(10)));
            assertEquals(1, ml.jobsCreated().size());
            assertEquals(1, h.jobEvents().size());
            assertEquals(1, h.inputEvents().stream().map(e -> e.get("job_name", String.class)).distinct().count());
        }
    }

    @Test
    void aRestartResumesFromTheLedgerWithoutANewJob() throws Exception {
        ml.jobDuration(Duration.ofMillis(800));
        final List<Event> first = Events.objects("in-bucket", "restart/", 4);
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), ledger()).build()) {
            h.coordinator.accept(first);
            assertTrue(h.runUntil(out -> ml.jobsCreated().size() == 4, Duration.ofSeconds(10)));
            assertTrue(h.inputEvents().isEmpty(), "tracked events wait for their jobs");
        } // "crash": nothing acknowledged
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), ledger()).build()) {
            assertEquals(4, h.coordinator.outstanding());
            h.coordinator.accept(Events.objects("in-bucket", "restart/", 4)); // the source redelivers
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 4 && h.jobEvents().size() == 4, Duration.ofSeconds(20)));
            assertEquals(4, ml.jobsCreated().size(), "jobs received by ML Commons == input objects");
        }
    }

    @Test
    void aCrashBetweenJobCreationAndTheLedgerRecordIsHealedByName() throws Exception {
        ml.jobDuration(Duration.ofMillis(300));
        final JobNamer namer = new JobNamer(ServiceName.BEDROCK, "model-1", CoordinatorHarness.OUTPUT);
        final InputObject input = new InputInputs().of(Events.object("in-bucket", "crash/a.jsonl"));
        final String workKey = namer.workKey(List.of(input));
        final String jobName = namer.jobName(workKey, 1);
        // The ledger only got as far as "submitting"...
        try (JobLedger ledger = JobLedger.open(ledger(), Duration.ofDays(1), java.time.Clock.systemUTC())) {
            ledger.save(JobRecord.pending(workKey, List.of(input), jobName, java.time.Instant.now()).submitting(java.time.Instant.now()));
        }
        // ...while ML Commons did create the job.
        final var created = new java.net.URL(ml.url() + "/_plugins/_ml/models/model-1/_batch_predict").openConnection();
        ((java.net.HttpURLConnection) created).setRequestMethod("POST");
        created.setDoOutput(true);
        created.getOutputStream().write(("{\"parameters\":{\"jobName\":\"" + jobName + "\"}}").getBytes());
        assertEquals(200, ((java.net.HttpURLConnection) created).getResponseCode());
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), ledger()).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "crash/a.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1, Duration.ofSeconds(10)));
            assertEquals(List.of(jobName), ml.jobsCreated());
            assertEquals(1, ml.received("_search").size(), "looked up by name first");
        }
    }

    @Test
    void aDuplicateNameAnswerMeansAlreadySubmitted() throws Exception {
        ml.jobDuration(Duration.ofMillis(300));
        final JobNamer namer = new JobNamer(ServiceName.BEDROCK, "model-1", CoordinatorHarness.OUTPUT);
        final InputObject input = new InputInputs().of(Events.object("in-bucket", "dup/a.jsonl"));
        final String jobName = namer.jobName(namer.workKey(List.of(input)), 1);
        // Another worker / an old ledger-less run already created it.
        final var created = (java.net.HttpURLConnection) new java.net.URL(ml.url() + "/_plugins/_ml/models/model-1/_batch_predict").openConnection();
        created.setRequestMethod("POST");
        created.setDoOutput(true);
        created.getOutputStream().write(("{\"parameters\":{\"jobName\":\"" + jobName + "\"}}").getBytes());
        assertEquals(200, created.getResponseCode());
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), ledger()).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "dup/a.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1, Duration.ofSeconds(10)));
            assertEquals(List.of(jobName), ml.jobsCreated());
            assertEquals("COMPLETED", h.inputEvents().get(0).get("job_state", String.class));
            assertFalse(h.inputEvents().get(0).getMetadata().getTags().contains("ml_failed"));
        }
    }

    @Test
    void failedJobsAreResubmittedThenSplitUntilTheRecordStandsAloneAndIsDeadLettered() throws Exception {
        ml.jobDuration(Duration.ofMillis(150)).failJobsReading("in-bucket/fail/a.jsonl", "AlgorithmError: the container ran out of memory");
        final InputObject input = new InputInputs().of(Events.object("in-bucket", "fail/a.jsonl"));
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), ledger()).s3(s3).maxJobAttempts(2).build()) {
            h.coordinator.accept(stored(List.of(Events.object("in-bucket", "fail/a.jsonl"))));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1, Duration.ofSeconds(10)));
            assertEquals(2, ml.jobsCreated().size(), "the job and one resubmission: " + ml.jobsCreated());
            assertTrue(ml.jobsCreated().get(1).endsWith("-a2"));
            final Event event = h.inputEvents().get(0);
            assertFalse(event.getMetadata().getTags().contains("ml_failed"), "the object went on; its one record is dead-lettered");
            assertEquals("SPLIT", event.get("job_state", String.class));
            assertEquals(List.of(true, false), h.jobEvents().stream().map(e -> e.get("will_retry", Boolean.class)).toList());
            assertEquals("AlgorithmError: the container ran out of memory", h.jobEvents().get(1).get("failure_reason", String.class));
            final JsonNode letter = onlyDeadLetter("fail/a.jsonl");
            assertEquals("in-bucket", letter.path("s3Bucket").asText());
            assertEquals(400, letter.path("status").asInt());
            assertEquals(1, letter.path("line").asInt());
            assertEquals(1, letter.path("records").asInt());
            assertEquals(GOOD_RECORD, letter.path("record").asText());
            assertTrue(letter.path("message").asText().contains("AlgorithmError"), letter.toString());
            assertEquals(ml.jobsCreated().get(1), letter.path("jobName").asText());
            assertEquals(JobState.SPLIT, h.ledger.byInput(input).orElseThrow().state());
            assertEquals(1.0, h.metrics.recordsDeadLettered().count());
        }
    }

    @Test
    void unknownModelIsAPermanentFailureWithItsReason() throws Exception {
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), ledger()).modelId("no-such-model").s3(s3).build()) {
            h.coordinator.accept(stored(List.of(Events.object("in-bucket", "nomodel/a.jsonl"))));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1, Duration.ofSeconds(10)));
            assertTrue(h.inputEvents().get(0).getMetadata().getTags().contains("ml_failed"));
            final JsonNode letter = onlyDeadLetter("nomodel/a.jsonl");
            assertEquals(404, letter.path("status").asInt());
            assertTrue(letter.path("message").asText().contains("Failed to find model"), letter.toString());
            assertEquals(1, ml.received("_batch_predict").size(), "a permanent failure is not retried");
            assertEquals(1.0, h.metrics.batchJobRequestsFailed().count(), "the refused _batch_predict request is counted");
        }
    }

    @Test
    void eventWithoutBucketIsDeadLetteredWithAClearReason() throws Exception {
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), ledger()).s3(s3).build()) {
            h.coordinator.accept(List.of(JacksonEvent.builder().withEventType("event").withData(Map.of("key", "orphan.jsonl")).build()));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1, Duration.ofSeconds(10)));
            assertTrue(h.inputEvents().get(0).getMetadata().getTags().contains("ml_failed"));
            final JsonNode letter = onlyDeadLetter("orphan.jsonl");
            assertEquals(400, letter.path("status").asInt());
            assertTrue(letter.path("message").asText().contains("no 'bucket' field"));
            assertTrue(ml.received().isEmpty());
        }
    }

    @Test
    void unreachableOpenSearchIsRetriedThenDeadLettered() throws Exception {
        final int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (CoordinatorHarness h = CoordinatorHarness.builder("http://127.0.0.1:" + port, ledger()).s3(s3)
                .retryTimeWindow(Duration.ofSeconds(2)).build()) {
            h.coordinator.accept(stored(List.of(Events.object("in-bucket", "down/a.jsonl"))));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1, Duration.ofSeconds(15)));
            final JsonNode letter = onlyDeadLetter("down/a.jsonl");
            assertTrue(letter.path("message").asText().contains("unreachable"), letter.toString());
            assertTrue(letter.path("message").asText().contains("retry_time_window"), letter.toString());
            assertEquals(1.0, h.metrics.batchJobRequestsFailed().count(), "the request that kept failing is counted once, when given up");
        }
    }

    @Test
    void sageMakerGroupsObjectsIntoManifestsOfAtMostMaxBatchSize() throws Exception {
        ml.jobDuration(Duration.ofMillis(200));
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), ledger()).service(ServiceName.SAGEMAKER)
                .maxBatchSize(3).s3(s3).build()) {
            h.coordinator.accept(stored(Events.objects("in-bucket", "sm/input/", 7)));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 7, Duration.ofSeconds(15)));
            assertEquals(3, ml.jobsCreated().size());
            final List<String> manifests = s3.keys("in-bucket", "sm/input/mlb-");
            assertEquals(3, manifests.size(), manifests.toString());
            int listed = 0;
            for (final String key : manifests) {
                final JsonNode manifest = MAPPER.readTree(s3.read("in-bucket", key));
                assertEquals("s3://in-bucket/", manifest.get(0).path("prefix").asText());
                listed += manifest.size() - 1;
            }
            assertEquals(7, listed);
            final JsonNode body = MAPPER.readTree(ml.received("_batch_predict").get(0).body());
            assertTrue(body.at("/parameters/TransformInput/DataSource/S3DataSource/S3Uri").asText().endsWith(".manifest"));
            assertEquals(CoordinatorHarness.OUTPUT + "/" + body.at("/parameters/TransformJobName").asText(),
                    body.at("/parameters/TransformOutput/S3OutputPath").asText());
            assertEquals(3, h.jobEvents().stream().map(e -> e.get("output_uri", String.class)).collect(Collectors.toSet()).size());
        }
    }

    @Test
    void aMissingInputObjectFailsBeforeAnyJobIsCreated() throws Exception {
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), ledger()).s3(s3).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "missing/never-written.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1, Duration.ofSeconds(10)));
            final JsonNode letter = onlyDeadLetter("missing/never-written.jsonl");
            assertEquals(404, letter.path("status").asInt());
            assertEquals("input object s3://in-bucket/missing/never-written.jsonl does not exist", letter.path("message").asText());
            assertTrue(ml.received().isEmpty(), "no job for a missing object");
        }
    }

    private static List<Event> stored(final List<Event> events) {
        for (final Event event : events) {
            s3.client().putObject(r -> r.bucket("in-bucket").key(event.get("key", String.class)),
                    software.amazon.awssdk.core.sync.RequestBody.fromString(GOOD_RECORD + "\n"));
        }
        return events;
    }

    private int deadLettersMentioning(final String keyPart) throws Exception {
        int count = 0;
        for (final String key : s3.keys("dlq-bucket", "")) {
            count += s3.read("dlq-bucket", key).contains(keyPart) ? 1 : 0;
        }
        return count;
    }

    private JsonNode onlyDeadLetter(final String keyPart) throws Exception {
        for (final String key : s3.keys("dlq-bucket", "ml/dlq-v2-test-pipeline-ml_inference-")) {
            for (final JsonNode object : MAPPER.readTree(s3.read("dlq-bucket", key))) {
                final JsonNode failed = object.path("failedData");
                if (failed.path("data").asText().contains(keyPart) || failed.path("s3Key").asText().contains(keyPart)) {
                    assertEquals("ml_inference", object.path("pluginName").asText());
                    assertEquals("test-pipeline", object.path("pipelineName").asText());
                    return failed;
                }
            }
        }
        throw new AssertionError("no dead letter mentions " + keyPart);
    }

    /** Resolves an event the way the coordinator does. */
    private static final class InputInputs {
        InputObject of(final Event event) throws BadInputException {
            return new InputObjectResolver(null).resolve(event);
        }
    }
}
