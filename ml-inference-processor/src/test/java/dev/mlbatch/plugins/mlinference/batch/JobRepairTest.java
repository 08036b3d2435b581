package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import software.amazon.awssdk.core.sync.RequestBody;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad records never cost their good neighbours: screened out before a job, isolated after a job the provider
 * refused, and followed up after a partially completed job. Real S3 protocol (s3proxy), real ledger, fake ML Commons.
 */
class JobRepairTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static LocalS3 s3;
    private FakeMlCommons ml;
    @TempDir
    Path dir;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = CoordinatorHarness.startS3();
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @BeforeEach
    void start() throws Exception {
        ml = new FakeMlCommons("model-1");
        for (final String bucket : List.of("out-bucket", "dlq-bucket")) {
            for (final String key : s3.keys(bucket, "")) {
                s3.client().deleteObject(r -> r.bucket(bucket).key(key));
            }
        }
    }

    @AfterEach
    void stop() {
        ml.close();
    }

    private static String record(final String id, final String text) {
        return MAPPER.createObjectNode().put("recordId", id).set("modelInput", MAPPER.createObjectNode().put("inputText", text)).toString();
    }

    private static Event put(final String key, final List<String> lines) {
        s3.client().putObject(r -> r.bucket("in-bucket").key(key), RequestBody.fromString(String.join("\n", lines) + "\n"));
        return Events.object("in-bucket", key);
    }

    private List<JsonNode> deadLetters(final String keyPart) throws Exception {
        final List<JsonNode> letters = new ArrayList<>();
        for (final String key : s3.keys("dlq-bucket", "ml/")) {
            for (final JsonNode object : MAPPER.readTree(s3.read("dlq-bucket", key))) {
                if (object.path("failedData").toString().contains(keyPart)) {
                    letters.add(object.path("failedData"));
                }
            }
        }
        return letters;
    }

    @Test
    void recordsThatCanNeverBeEmbeddedAreRejectedWithTheirReasonAndTheJobRunsOnTheRest() throws Exception {
        final Event event = put("screen/a.jsonl", List.of(record("r1", "a dog"), record("r2", "   "), "not json",
                record("r3", "a cat"), "{\"recordId\":\"r4\",\"modelInput\":{\"inputText\":42}}", record("r5", "a cow")));
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), dir.resolve("l")).s3(s3).build()) {
            h.coordinator.accept(List.of(event));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1, Duration.ofSeconds(10)));
            assertEquals(1, ml.jobsCreated().size());
            final String body = ml.bodyOf(ml.jobsCreated().get(0));
            assertTrue(body.contains("s3://out-bucket/staging/"), "the job reads the copy of the good records: " + body);
            final List<String> staged = s3.keys("out-bucket", "staging/");
            assertEquals(1, staged.size());
            assertEquals(record("r1", "a dog") + "\n" + record("r3", "a cat") + "\n" + record("r5", "a cow") + "\n",
                    s3.read("out-bucket", staged.get(0)));
            final List<String> rejectedKeys = s3.keys("out-bucket", "rejected/");
            assertEquals(1, rejectedKeys.size());
            final List<JsonNode> rejected = new ArrayList<>();
            for (final String line : s3.read("out-bucket", rejectedKeys.get(0)).split("\n")) {
                rejected.add(MAPPER.readTree(line));
            }
            assertEquals(List.of(2, 3, 5), rejected.stream().map(r -> r.path("line").asInt()).toList());
            assertEquals(List.of("text at /modelInput/inputText is blank", "the line is not valid JSON",
                    "text at /modelInput/inputText is not a string"), rejected.stream().map(r -> r.path("rejection_reason").asText()).toList());
            assertEquals("r2", rejected.get(0).path("recordId").asText());
            assertEquals("not json", rejected.get(1).path("raw").asText());
            assertTrue(rejected.stream().allMatch(r -> r.path("source").asText().equals("s3://in-bucket/screen/a.jsonl")));
            assertEquals(3.0, h.metrics.recordsRejectedBeforeBatchJob().count());
            assertEquals("COMPLETED", h.inputEvents().get(0).get("job_state", String.class));
            // A replay of the same event joins the finished work: no second job.
            h.coordinator.accept(List.of(Events.object("in-bucket", "screen/a.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 2, Duration.ofSeconds(10)));
            assertEquals(1, ml.jobsCreated().size());
        }
    }

    @Test
    void anObjectWithNoEmbeddableRecordCreatesNoJob() throws Exception {
        final Event event = put("screen/empty.jsonl", List.of(record("r1", ""), record("r2", "\t")));
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), dir.resolve("l")).s3(s3).build()) {
            h.coordinator.accept(List.of(event));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1, Duration.ofSeconds(10)));
            assertTrue(ml.jobsCreated().isEmpty());
            final Event failed = h.inputEvents().get(0);
            assertTrue(failed.getMetadata().getTags().contains("ml_failed"));
            assertTrue(failed.get("failure_reason", String.class).contains("none of the 2 record(s)"), failed.toJsonString());
            final JsonNode letter = deadLetters("screen/empty.jsonl").get(0);
            assertEquals(0, letter.path("records").asInt(), "its records are counted as rejected, not dead-lettered");
        }
    }

    @Test
    void aJobRefusedForOneNamedRecordIsNotRetriedAsIsTheRecordIsDeadLetteredAndTheRestGoOn() throws Exception {
        // Screening off: the provider is the one who finds the bad record.
        ml.jobDuration(Duration.ofMillis(150)).failJobsReading("in-bucket/named/a.jsonl",
                "ClientError: See job logs for more information (record 2 of s3://in-bucket/named/a.jsonl: text is blank)");
        final Event event = put("named/a.jsonl", List.of(record("r1", "one"), record("r2", " "), record("r3", "three")));
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), dir.resolve("l")).s3(s3).screen(false).build()) {
            h.coordinator.accept(List.of(event));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1, Duration.ofSeconds(15)));
            assertEquals(2, ml.jobsCreated().size(), "the refused job and one job for the rest, no retry as is: " + ml.jobsCreated());
            assertTrue(ml.jobsCreated().stream().allMatch(name -> name.endsWith("-a1")));
            final String rest = ml.bodyOf(ml.jobsCreated().get(1));
            assertTrue(rest.contains("s3://out-bucket/staging/"), rest);
            final String stagedKey = s3.keys("out-bucket", "staging/").get(0);
            assertEquals(record("r1", "one") + "\n" + record("r3", "three") + "\n", s3.read("out-bucket", stagedKey));
            final List<JsonNode> letters = deadLetters("named/a.jsonl");
            assertEquals(1, letters.size());
            assertEquals(2, letters.get(0).path("line").asInt());
            assertEquals(record("r2", " "), letters.get(0).path("record").asText());
            assertTrue(letters.get(0).path("message").asText().contains("text is blank"));
            assertEquals("SPLIT", h.inputEvents().get(0).get("job_state", String.class));
            // The follow-up ran to the end.
            assertTrue(h.runUntil(out -> h.coordinator.unfinished() == 0, Duration.ofSeconds(10)));
            assertEquals(1.0, h.metrics.batchJobsSplit().count());
            assertEquals(2.0, h.metrics.recordsResubmitted().count());
        }
    }

    @Test
    void aRefusedJobThatNamesNoRecordIsHalvedUntilTheBadRecordIsAlone() throws Exception {
        final List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            lines.add(record("r" + i, i == 6 ? "poison" : "text " + i));
        }
        // Every job whose input holds the poison record is refused, without saying which record it was.
        ml.jobDuration(Duration.ofMillis(100)).failJobsWhen(body -> inputHolds(body, "poison"), "ValidationException: the input is invalid");
        final Event event = put("halve/a.jsonl", lines);
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), dir.resolve("l")).s3(s3).screen(false).build()) {
            h.coordinator.accept(List.of(event));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1 && h.coordinator.unfinished() == 0, Duration.ofSeconds(30)),
                    "unfinished " + h.coordinator.unfinished());
            final List<JsonNode> letters = deadLetters("poison");
            assertEquals(1, letters.size(), letters.toString());
            assertEquals(record("r6", "poison"), letters.get(0).path("record").asText());
            // 8 -> 4+4 -> 2+2 -> 1+1: the original, two halves, two quarters, two singles; the poison single's failure
            // is the fourth split, the one that dead-letters it.
            assertEquals(7, ml.jobsCreated().size(), ml.jobsCreated().toString());
            assertEquals(4.0, h.metrics.batchJobsSplit().count());
        }
    }

    /** True when the Bedrock job body's input object holds {@code text}: the provider judges what it reads. */
    private static boolean inputHolds(final String body, final String text) {
        try {
            final String uri = MAPPER.readTree(body).at("/parameters/inputDataConfig/s3InputDataConfig/s3Uri").asText();
            final String rest = uri.substring("s3://".length());
            return s3.read(rest.substring(0, rest.indexOf('/')), rest.substring(rest.indexOf('/') + 1)).contains(text);
        } catch (final Exception e) {
            return false;
        }
    }

    @Test
    void aPartiallyCompletedJobIsFollowedUpAndRefusedRecordsAreDeadLettered() throws Exception {
        ml.jobDuration(Duration.ofMillis(800)).partiallyCompleteJobsReading("in-bucket/partial/a.jsonl");
        final Event event = put("partial/a.jsonl", List.of(record("r1", "one"), record("r2", "two"), record("r3", "three"), record("r4", "four")));
        try (CoordinatorHarness h = CoordinatorHarness.builder(ml.url(), dir.resolve("l")).s3(s3).build()) {
            h.coordinator.accept(List.of(event));
            assertTrue(h.runUntil(out -> ml.jobsCreated().size() == 1, Duration.ofSeconds(10)));
            // What the provider wrote: r1 embedded, r2 refused (4xx), r3 failed on its side (5xx), r4 left out.
            final String jobId = ml.jobsCreated().get(0);
            final String out = String.join("\n",
                    "{\"recordId\":\"r1\",\"modelInput\":{\"inputText\":\"one\"},\"modelOutput\":{\"embedding\":[0.1]}}",
                    "{\"recordId\":\"r2\",\"modelInput\":{\"inputText\":\"two\"},\"error\":{\"errorCode\":400,\"errorMessage\":\"Malformed input\"}}",
                    "{\"recordId\":\"r3\",\"modelInput\":{\"inputText\":\"three\"},\"error\":{\"errorCode\":503,\"errorMessage\":\"Service unavailable\"}}") + "\n";
            s3.client().putObject(r -> r.bucket("out-bucket").key("results/" + jobId + "/a.jsonl.out"), RequestBody.fromString(out));
            assertTrue(h.runUntil(out2 -> h.inputEvents().size() == 1 && h.coordinator.unfinished() == 0, Duration.ofSeconds(15)));
            assertEquals(2, ml.jobsCreated().size(), "one follow-up job: " + ml.jobsCreated());
            final String stagedKey = s3.keys("out-bucket", "staging/").get(0);
            assertEquals(record("r3", "three") + "\n" + record("r4", "four") + "\n", s3.read("out-bucket", stagedKey));
            final List<JsonNode> letters = deadLetters("partial/a.jsonl");
            assertEquals(1, letters.size());
            assertEquals(400, letters.get(0).path("status").asInt());
            assertTrue(letters.get(0).path("message").asText().contains("Malformed input"));
            assertEquals(1.0, h.metrics.batchJobsPartiallyCompleted().count());
            assertEquals(1.0, h.metrics.recordsMissingFromBatchJob().count(), "r4");
            assertEquals(2.0, h.metrics.recordsFailedInBatchJob().count(), "r2 refused, r3 failed on the provider's side");
            assertEquals(2.0, h.metrics.recordsResubmitted().count());
            assertEquals(1.0, h.metrics.recordsDeadLettered().count());
            assertFalse(h.inputEvents().get(0).getMetadata().getTags().contains("ml_failed"));
        }
    }

    @Test
    void aJobFoundByNameWhoseOutputIsGoneRunsAgainAndOneWhoseOutputIsThereDoesNot() throws Exception {
        ml.jobDuration(Duration.ofMillis(100));
        final Event gone = put("adopt/gone.jsonl", List.of(record("r1", "one")));
        final Event kept = put("adopt/kept.jsonl", List.of(record("r1", "one")));
        try (CoordinatorHarness first = CoordinatorHarness.builder(ml.url(), dir.resolve("first")).s3(s3).build()) {
            first.coordinator.accept(List.of(gone, kept));
            assertTrue(first.runUntil(out -> first.inputEvents().size() == 2, Duration.ofSeconds(10)));
        }
        assertEquals(2, ml.jobsCreated().size());
        final String keptJob = ml.jobsCreated().stream().filter(name -> ml.bodyOf(name).contains("adopt/kept.jsonl")).findFirst().orElseThrow();
        s3.client().putObject(r -> r.bucket("out-bucket").key("results/" + keptJob + "/kept.jsonl.out"), RequestBody.fromString("{}\n"));
        // A new ledger (lost, or a new deployment) over the same objects: both jobs are found by name.
        try (CoordinatorHarness second = CoordinatorHarness.builder(ml.url(), dir.resolve("second")).s3(s3).build()) {
            second.coordinator.accept(List.of(Events.object("in-bucket", "adopt/gone.jsonl"), Events.object("in-bucket", "adopt/kept.jsonl")));
            assertTrue(second.runUntil(out -> second.inputEvents().size() == 2, Duration.ofSeconds(15)));
        }
        assertEquals(3, ml.jobsCreated().size(), "only the job whose output is gone ran again: " + ml.jobsCreated());
        assertTrue(ml.jobsCreated().get(2).endsWith("-a2"));
        assertTrue(ml.bodyOf(ml.jobsCreated().get(2)).contains("adopt/gone.jsonl"));
    }
}
