package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.EventFailureHandler;
import dev.mlbatch.plugins.mlinference.MLProcessorMetrics;
import dev.mlbatch.plugins.mlinference.client.BatchJobService;
import dev.mlbatch.plugins.mlinference.client.BatchJobServiceFactory;
import dev.mlbatch.plugins.mlinference.config.MLProcessorConfig;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetterFile;
import dev.mlbatch.plugins.mlinference.support.ConfigBinder;
import dev.mlbatch.plugins.mlinference.support.Events;
import dev.mlbatch.plugins.mlinference.support.FakeBedrock;
import dev.mlbatch.plugins.common.testing.LocalS3;
import software.amazon.awssdk.core.sync.RequestBody;
import dev.mlbatch.testing.aws.StaticCredentialsSupplier;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinator with a built-in Bedrock model, wired as the processor wires it (config → BatchJobServiceFactory →
 * BedrockJobService, real ledger file), against a stand-in for Bedrock that verifies every signature: every guarantee
 * of the ML Commons mode — one job per input across replays and restarts (with the ledger and without), throttling
 * backed off, failed and expired jobs resubmitted, stopped ones dead-lettered, job events.
 */
class BuiltInBedrockCoordinatorTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MODEL = "amazon.titan-embed-text-v2:0";
    private static final String ROLE = "arn:aws:iam::123456789012:role/BedrockBatchRole";

    @TempDir
    Path dir;
    private FakeBedrock bedrock;

    @BeforeEach
    void start() throws Exception {
        bedrock = new FakeBedrock();
        if (Metrics.globalRegistry.getRegistries().isEmpty()) {
            Metrics.globalRegistry.add(new SimpleMeterRegistry());
        }
    }

    @AfterEach
    void stop() {
        bedrock.close();
    }

    /** One coordinator run (a process): closing it is a crash, the ledger file stays as it is. */
    private final class Run implements AutoCloseable {
        final BatchJobCoordinator coordinator;
        final JobLedger ledger;
        final MLProcessorMetrics metrics;
        final BatchJobService jobs;
        final List<Record<Event>> emitted = new ArrayList<>();

        Run(final Path ledgerFile, final int maxJobAttempts) throws Exception {
            this(ledgerFile, maxJobAttempts, FakeBedrock.SECRET_KEY);
        }

        Run(final Path ledgerFile, final int maxJobAttempts, final String secretKey) throws Exception {
            this(ledgerFile, maxJobAttempts, secretKey, null);
        }

        /** With {@code s3}: the partial-completion repair reads outputs and inputs there and stages follow-ups. */
        Run(final Path ledgerFile, final int maxJobAttempts, final String secretKey, final LocalS3 s3) throws Exception {
            final MLProcessorConfig config = ConfigBinder.bind("service_name: bedrock\nmodel_id: \"" + MODEL + "\"\n"
                    + "output_path: s3://out-bucket/results\naws: { region: us-east-1, job_sts_role_arn: \"" + ROLE + "\" }\n"
                    + "bedrock_endpoint: \"" + bedrock.url() + "\"\nrequest_timeout: 5s\n");
            final Clock clock = Clock.systemUTC();
            metrics = new MLProcessorMetrics(PluginMetrics.fromNames("ml_inference", "builtin-" + UUID.randomUUID()));
            ledger = JobLedger.open(ledgerFile, Duration.ofDays(1), clock);
            jobs = BatchJobServiceFactory.create(config, new StaticCredentialsSupplier(FakeBedrock.ACCESS_KEY, secretKey), MAPPER);
            final JobNamer namer = new JobNamer(ServiceName.BEDROCK, MODEL, config.getOutputPath());
            final BatchPredictRequestFactory requests = new BatchPredictRequestFactory(MAPPER, config.getOutputPath(), Map.of());
            final BatchJobSubmitter submitter = new BatchJobSubmitter(jobs, MODEL, ServiceName.BEDROCK, requests, null, namer,
                    new FailureClassifier(), ledger, clock);
            final JobRepair repair = s3 == null ? JobRepair.none() : new JobRepair(new InputFiles(s3.client(), MAPPER,
                    InputFiles.S3Location.parse("s3://out-bucket/staging/"), InputFiles.S3Location.parse("s3://out-bucket/rejected/")),
                    new RecordScreen(ServiceName.BEDROCK, "/modelInput/inputText", 50_000, MAPPER), namer, requests, maxJobAttempts, MAPPER, clock);
            coordinator = new BatchJobCoordinator(new BatchJobCoordinator.Settings(ServiceName.BEDROCK, true, 0, 100,
                    Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(30), maxJobAttempts),
                    new InputObjectResolver(null), InputScreener.none(), repair, namer, ledger, submitter, new JobTracker(jobs),
                    null, new JobEventFactory(ServiceName.BEDROCK, MODEL, requests),
                    new EventFailureHandler(List.of("ml_failed"), new DeadLetterFile(dir.resolve("dead-letters.jsonl"), "p", MAPPER, clock),
                            metrics), metrics, clock);
        }

        boolean runUntil(final Predicate<Run> done, final Duration timeout) throws InterruptedException {
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                coordinator.tick();
                emitted.addAll(coordinator.drainReady());
                if (done.test(this)) {
                    return true;
                }
                Thread.sleep(20);
            }
            return false;
        }

        List<Event> inputEvents() {
            return emitted.stream().map(Record::getData).filter(e -> !JobEventFactory.EVENT_TYPE.equals(e.getMetadata().getEventType())).toList();
        }

        List<Event> jobEvents() {
            return emitted.stream().map(Record::getData).filter(e -> JobEventFactory.EVENT_TYPE.equals(e.getMetadata().getEventType())).toList();
        }

        @Override
        public void close() {
            coordinator.close();
            ledger.close();
            jobs.close();
        }
    }

    @Test
    void eachInputGetsOneBedrockJobFollowedToItsEnd() throws Exception {
        bedrock.jobDuration(Duration.ofMillis(300));
        try (Run run = new Run(dir.resolve("a.ledger"), 3)) {
            run.coordinator.accept(Events.objects("in-bucket", "direct/", 4));
            assertTrue(run.runUntil(r -> r.inputEvents().size() == 4, Duration.ofSeconds(30)), "emitted " + run.emitted.size());
            assertEquals(4, bedrock.jobsCreated().size());
            assertEquals(4, new HashSet<>(bedrock.jobsCreated()).size());
            for (final Event event : run.inputEvents()) {
                assertEquals("COMPLETED", event.get("job_state", String.class));
                assertTrue(event.get("task_id", String.class).startsWith("arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/"));
            }
            for (final Event job : run.jobEvents()) {
                assertEquals("COMPLETED", job.get("state", String.class));
                assertEquals("Completed", job.get("provider_status", String.class));
                assertEquals(MODEL, job.get("model_id", String.class));
                final String id = job.get("task_id", String.class).substring(job.get("task_id", String.class).lastIndexOf('/') + 1);
                assertEquals("s3://out-bucket/results/" + id + "/", job.get("output_uri", String.class));
                assertEquals(1, ((Number) job.get("records/total", Object.class)).intValue());
            }
            assertEquals(4.0, run.metrics.batchJobsCompleted().count());
            assertTrue(bedrock.received().stream().allMatch(FakeBedrock.Received::signatureValid), "every call signed for bedrock");
            assertTrue(bedrock.received("GET", "/model-invocation-job/").size() >= 4, "followed by GetModelInvocationJob");
            assertTrue(bedrock.received().stream().noneMatch(r -> r.rawPath().contains("_plugins")), "ML Commons is never called");
            // Every create went out with its job name as token, after a look-up by name.
            for (final FakeBedrock.Received create : bedrock.received("POST", "/model-invocation-job")) {
                final JsonNode body = MAPPER.readTree(create.body());
                assertEquals(body.path("jobName").asText(), body.path("clientRequestToken").asText());
                assertEquals(ROLE, body.path("roleArn").asText());
            }
            assertEquals(4, bedrock.received("GET", "/model-invocation-jobs").size());
        }
    }

    @Test
    void aRestartResumesFromTheLedgerWithoutASecondJob() throws Exception {
        bedrock.jobDuration(Duration.ofSeconds(2));
        try (Run first = new Run(dir.resolve("b.ledger"), 3)) {
            first.coordinator.accept(Events.objects("in-bucket", "restart/", 3));
            assertTrue(first.runUntil(r -> r.coordinator.outstanding() == 3, Duration.ofSeconds(10)));
        } // crash: the events were not acknowledged and come again
        assertEquals(3, bedrock.jobsCreated().size());
        try (Run second = new Run(dir.resolve("b.ledger"), 3)) {
            assertEquals(3, second.coordinator.outstanding(), "the ledger knows the three jobs");
            second.coordinator.accept(Events.objects("in-bucket", "restart/", 3));
            assertTrue(second.runUntil(r -> r.inputEvents().size() == 3, Duration.ofSeconds(30)));
            assertTrue(second.inputEvents().stream().allMatch(e -> "COMPLETED".equals(e.get("job_state", String.class))));
        }
        assertEquals(3, bedrock.jobsCreated().size(), "no second job");
        assertEquals(3, bedrock.received("POST", "/model-invocation-job").size(), "not even a second create call");
    }

    @Test
    void withTheLedgerLostTheJobsAreFoundByNameAndNotCreatedAgain() throws Exception {
        bedrock.jobDuration(Duration.ofSeconds(2));
        try (Run first = new Run(dir.resolve("first.ledger"), 3)) {
            first.coordinator.accept(Events.objects("in-bucket", "lost/", 3));
            assertTrue(first.runUntil(r -> r.coordinator.outstanding() == 3, Duration.ofSeconds(10)));
        }
        try (Run second = new Run(dir.resolve("another-machine.ledger"), 3)) {
            second.coordinator.accept(Events.objects("in-bucket", "lost/", 3));
            assertTrue(second.runUntil(r -> r.inputEvents().size() == 3, Duration.ofSeconds(30)));
            assertTrue(second.inputEvents().stream().allMatch(e -> "COMPLETED".equals(e.get("job_state", String.class))));
            assertEquals(3.0, second.metrics.batchJobDuplicatesAvoided().count(), "each job adopted by name");
            assertEquals(0.0, second.metrics.batchJobsCreationSucceeded().count(), "none created anew");
        }
        assertEquals(3, bedrock.jobsCreated().size(), "no second job");
    }

    @Test
    void aCreateRepeatedAfterTheLookUpFoundNothingGetsTheSameJobBack() throws Exception {
        // A crash after Bedrock created the job but before its answer reached the ledger, with a look-up that missed it
        // (Bedrock lists eventually): the token makes the repeated create return the same job.
        bedrock.jobDuration(Duration.ofSeconds(5));
        try (Run run = new Run(dir.resolve("c.ledger"), 3)) {
            final InputObject input = new InputObject("in-bucket", "token/part-0000.jsonl", "modified:1753870500,length:1234");
            final JobNamer namer = new JobNamer(ServiceName.BEDROCK, MODEL, "s3://out-bucket/results");
            final String name = namer.jobName(namer.workKey(List.of(input)), 1);
            final BatchPredictRequestFactory requests = new BatchPredictRequestFactory(MAPPER, "s3://out-bucket/results", Map.of());
            final String earlier = run.jobs.batchPredict(MODEL, requests.bedrock(input, name)).taskId();
            final String again = run.jobs.batchPredict(MODEL, requests.bedrock(input, name)).taskId();
            assertEquals(earlier, again);
        }
        assertEquals(1, bedrock.jobsCreated().size());
    }

    @Test
    void throttlingAndTheConcurrentJobsQuotaAreBackedOffNotDeadLettered() throws Exception {
        bedrock.maxActiveJobs(2).jobDuration(Duration.ofMillis(250)).throttleNextCreates(2);
        try (Run run = new Run(dir.resolve("d.ledger"), 3)) {
            run.coordinator.accept(Events.objects("in-bucket", "quota/", 8));
            assertTrue(run.runUntil(r -> r.inputEvents().size() == 8, Duration.ofSeconds(60)), "emitted " + run.emitted.size());
            assertTrue(run.inputEvents().stream().allMatch(e -> "COMPLETED".equals(e.get("job_state", String.class))));
            assertTrue(run.inputEvents().stream().noneMatch(e -> e.getMetadata().getTags().contains("ml_failed")));
            assertTrue(run.metrics.batchJobsThrottled().count() >= 3, "429s and quota answers were taken as throttling");
        }
        assertEquals(8, bedrock.jobsCreated().size());
        assertEquals(8, new HashSet<>(bedrock.jobsCreated()).size());
        assertTrue(bedrock.maxActiveSeen() <= 2);
        assertFalse(Files.exists(dir.resolve("dead-letters.jsonl")) && !Files.readString(dir.resolve("dead-letters.jsonl")).isBlank(),
                "nothing dead-lettered");
    }

    @Test
    void failedAndExpiredJobsAreResubmittedUnderTheNextNameAndToken() throws Exception {
        bedrock.jobDuration(Duration.ofMillis(200))
                .endJobs(name -> name.endsWith("-a1") && bedrock.jobsCreated().isEmpty(), "Failed", "InternalServerException: try again")
                .endJobs(name -> name.endsWith("-a1") && bedrock.jobsCreated().size() == 1, "Expired", "Job expired before it was scheduled");
        try (Run run = new Run(dir.resolve("e.ledger"), 3)) {
            run.coordinator.accept(Events.objects("in-bucket", "retry/", 2));
            assertTrue(run.runUntil(r -> r.inputEvents().size() == 2, Duration.ofSeconds(30)));
            assertTrue(run.inputEvents().stream().allMatch(e -> "COMPLETED".equals(e.get("job_state", String.class))));
            final List<String> states = run.jobEvents().stream().map(e -> e.get("state", String.class) + "/" + e.get("will_retry", Boolean.class)).toList();
            assertTrue(states.contains("FAILED/true") && states.contains("EXPIRED/true"), states.toString());
            assertEquals(2, states.stream().filter(s -> s.startsWith("COMPLETED")).count(), states.toString());
            assertEquals(2.0, run.metrics.batchJobsResubmitted().count());
        }
        assertEquals(4, bedrock.jobsCreated().size(), bedrock.jobsCreated().toString());
        assertEquals(2, bedrock.jobsCreated().stream().filter(n -> n.endsWith("-a2")).count());
        for (final FakeBedrock.Received create : bedrock.received("POST", "/model-invocation-job")) {
            final JsonNode body = MAPPER.readTree(create.body());
            assertEquals(body.path("jobName").asText(), body.path("clientRequestToken").asText(), "a new attempt, a new token");
        }
    }

    @Test
    void aPartiallyCompletedJobCompletesAndItsLeftOutRecordsGoOnInAFollowUp() throws Exception {
        bedrock.jobDuration(Duration.ofMillis(600)).endJobs(name -> bedrock.jobsCreated().isEmpty(), "PartiallyCompleted", null);
        try (LocalS3 s3 = new LocalS3()) {
            s3.createBucket("in-bucket");
            s3.createBucket("out-bucket");
            final String r1 = "{\"recordId\":\"r1\",\"modelInput\":{\"inputText\":\"one\"}}";
            final String r2 = "{\"recordId\":\"r2\",\"modelInput\":{\"inputText\":\"two\"}}";
            s3.client().putObject(r -> r.bucket("in-bucket").key("partial/a.jsonl"), RequestBody.fromString(r1 + "\n" + r2 + "\n"));
            // What Bedrock wrote for the first job (its id is the stand-in's first): r1 embedded, r2 left out.
            s3.client().putObject(r -> r.bucket("out-bucket").key("results/job000000001/a.jsonl.out"),
                    RequestBody.fromString("{\"recordId\":\"r1\",\"modelInput\":{\"inputText\":\"one\"},\"modelOutput\":{\"embedding\":[0.1]}}\n"));
            try (Run run = new Run(dir.resolve("p.ledger"), 3, FakeBedrock.SECRET_KEY, s3)) {
                run.coordinator.accept(List.of(Events.object("in-bucket", "partial/a.jsonl")));
                assertTrue(run.runUntil(r -> r.inputEvents().size() == 1 && r.coordinator.unfinished() == 0, Duration.ofSeconds(30)));
                assertEquals(2, run.jobEvents().size(), "the partial job and its follow-up");
                assertEquals("PartiallyCompleted", run.jobEvents().get(0).get("provider_status", String.class));
                assertEquals("COMPLETED", run.jobEvents().get(0).get("state", String.class));
                assertEquals(1.0, run.metrics.batchJobsPartiallyCompleted().count());
                assertEquals(1.0, run.metrics.recordsMissingFromBatchJob().count());
                assertEquals(1.0, run.metrics.recordsResubmitted().count());
            }
            assertEquals(2, bedrock.jobsCreated().size(), bedrock.jobsCreated().toString());
            final String staged = s3.keys("out-bucket", "staging/").get(0);
            assertEquals(r2 + "\n", s3.read("out-bucket", staged), "the follow-up carries the left-out record");
            assertTrue(MAPPER.readTree(bedrock.received("POST", "/model-invocation-job").get(1).body())
                    .at("/inputDataConfig/s3InputDataConfig/s3Uri").asText().equals("s3://out-bucket/" + staged));
        }
    }

    @Test
    void aStoppedJobIsCancelledAndDeadLetteredNotRetried() throws Exception {
        bedrock.jobDuration(Duration.ofMillis(300)).endJobs(name -> true, "Stopped", "Stopped by the user");
        try (Run run = new Run(dir.resolve("f.ledger"), 3)) {
            run.coordinator.accept(Events.objects("in-bucket", "stopped/", 1));
            assertTrue(run.runUntil(r -> r.inputEvents().size() == 1, Duration.ofSeconds(30)));
            final Event input = run.inputEvents().get(0);
            assertTrue(input.getMetadata().getTags().contains("ml_failed"));
            final Event job = run.jobEvents().get(0);
            assertEquals("CANCELLED", job.get("state", String.class));
            assertEquals("Stopped", job.get("provider_status", String.class));
            assertEquals(false, job.get("will_retry", Boolean.class));
            assertTrue(run.coordinator.unfinished() == 0);
        }
        assertEquals(1, bedrock.jobsCreated().size());
        final String deadLetters = Files.readString(dir.resolve("dead-letters.jsonl"));
        assertTrue(deadLetters.contains("ended CANCELLED: Stopped by the user"), deadLetters);
        assertTrue(deadLetters.contains("stopped/part-0000.jsonl"), deadLetters);
    }

    @Test
    void aJobBedrockRefusesIsDeadLetteredSayingBedrockRefusedIt() throws Exception {
        try (Run run = new Run(dir.resolve("g.ledger"), 3, "not-the-secret-key")) {
            run.coordinator.accept(Events.objects("in-bucket", "refused/", 1));
            assertTrue(run.runUntil(r -> r.inputEvents().size() == 1, Duration.ofSeconds(10)));
            assertTrue(run.inputEvents().get(0).getMetadata().getTags().contains("ml_failed"));
        }
        assertTrue(bedrock.jobsCreated().isEmpty());
        final String deadLetters = Files.readString(dir.resolve("dead-letters.jsonl"));
        assertTrue(deadLetters.contains("Bedrock refused job mlb-") && deadLetters.contains("HTTP 403 InvalidSignatureException"), deadLetters);
        assertFalse(deadLetters.contains("not-the-secret-key"));
    }
}
