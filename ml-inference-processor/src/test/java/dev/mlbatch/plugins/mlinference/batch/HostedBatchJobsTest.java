package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.client.ProviderApiClient;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import dev.mlbatch.plugins.mlinference.support.CoordinatorHarness;
import dev.mlbatch.plugins.mlinference.support.Events;
import dev.mlbatch.plugins.mlinference.support.FakeHostedBatchApis;
import dev.mlbatch.plugins.common.testing.LocalS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.event.Event;
import software.amazon.awssdk.core.sync.RequestBody;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * service_name openai and cohere end to end through the coordinator, against a stand-in for ML Commons with the
 * providers' connectors and for the providers' own APIs ({@link FakeHostedBatchApis}), and a real S3 protocol server.
 */
class HostedBatchJobsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static LocalS3 s3;

    @TempDir
    Path dir;
    private FakeHostedBatchApis apis;

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
        apis = new FakeHostedBatchApis();
    }

    @AfterEach
    void stop() {
        apis.close();
    }

    private Path ledger() {
        return dir.resolve("test.ledger");
    }

    private CoordinatorHarness.Builder openAi(final Path ledger) {
        return CoordinatorHarness.builder(apis.url(), ledger).service(ServiceName.OPENAI).modelId(FakeHostedBatchApis.OPENAI_MODEL)
                .s3(s3).providerApi(apis.openAiUrl(), FakeHostedBatchApis.API_KEY);
    }

    private CoordinatorHarness.Builder cohere(final Path ledger) {
        return CoordinatorHarness.builder(apis.url(), ledger).service(ServiceName.COHERE).modelId(FakeHostedBatchApis.COHERE_MODEL)
                .s3(s3).providerApi(apis.cohereUrl(), FakeHostedBatchApis.API_KEY);
    }

    private static String openAiLine(final String id, final String text) {
        return MAPPER.createObjectNode().put("custom_id", id).put("method", "POST").put("url", "/v1/embeddings")
                .set("body", MAPPER.createObjectNode().put("model", "text-embedding-3-small").put("input", text)).toString();
    }

    private static String cohereLine(final String id, final String text) {
        return MAPPER.createObjectNode().put("text", text).put("id", id).toString();
    }

    private static String put(final String key, final String... lines) {
        final String content = String.join("\n", lines) + "\n";
        s3.client().putObject(r -> r.bucket("in-bucket").key(key), RequestBody.fromString(content));
        return content;
    }

    /** The work key / job name the coordinator derives for an object it screened (pinned to its ETag). */
    private static String jobName(final ServiceName service, final String modelId, final String key) {
        final String etag = s3.client().headObject(r -> r.bucket("in-bucket").key(key)).eTag().replace("\"", "");
        final JobNamer namer = new JobNamer(service, modelId, CoordinatorHarness.OUTPUT);
        return namer.jobName(namer.workKey(List.of(new InputObject("in-bucket", key, "etag:" + etag))), 1);
    }

    private static List<JsonNode> s3Lines(final String uri) throws Exception {
        final String rest = uri.substring("s3://".length());
        final String text = s3.read(rest.substring(0, rest.indexOf('/')), rest.substring(rest.indexOf('/') + 1));
        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : text.split("\n")) {
            if (!line.isBlank()) {
                lines.add(MAPPER.readTree(line));
            }
        }
        return lines;
    }

    private static List<JsonNode> deadLetters(final String keyPart) throws Exception {
        final List<JsonNode> found = new ArrayList<>();
        for (final String key : s3.keys("dlq-bucket", "ml/")) {
            for (final JsonNode object : MAPPER.readTree(s3.read("dlq-bucket", key))) {
                if (object.path("failedData").toString().contains(keyPart)) {
                    found.add(object.path("failedData"));
                }
            }
        }
        return found;
    }

    @Test
    void anOpenAiObjectIsUploadedBatchedAndItsOutputCopiedIntoS3() throws Exception {
        final String content = put("openai/a.jsonl", openAiLine("d1", "alpha"), openAiLine("d2", "beta"), openAiLine("d3", "gamma"));
        final String jobName = jobName(ServiceName.OPENAI, FakeHostedBatchApis.OPENAI_MODEL, "openai/a.jsonl");
        try (CoordinatorHarness h = openAi(ledger()).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "openai/a.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1 && h.jobEvents().size() == 1, Duration.ofSeconds(20)));
            assertEquals("COMPLETED", h.inputEvents().get(0).get("job_state", String.class));
            assertEquals(jobName, h.inputEvents().get(0).get("job_name", String.class));

            // The upload: multipart purpose=batch with the object's bytes, under the provider's key.
            final var upload = apis.received("POST", "/openai/v1/files");
            assertEquals(1, upload.size());
            assertEquals("Bearer " + FakeHostedBatchApis.API_KEY, upload.get(0).headers().get("Authorization").get(0));
            assertTrue(upload.get(0).bodyText().contains("name=\"purpose\"\r\n\r\nbatch\r\n"), upload.get(0).bodyText());
            assertTrue(upload.get(0).bodyText().contains("filename=\"" + jobName + ".jsonl\""), upload.get(0).bodyText());
            assertTrue(upload.get(0).bodyText().contains(content), "the object's bytes are the file");
            assertEquals(1, apis.uploadedFiles().values().stream().filter(f -> new String(f, StandardCharsets.UTF_8).equals(content)).count());

            // The _batch_predict body, exactly.
            final var predict = apis.received("POST", "/_batch_predict");
            assertEquals(1, predict.size());
            final JsonNode parameters = MAPPER.readTree(predict.get(0).body()).path("parameters");
            final String fileId = parameters.path("input_file_id").asText();
            assertTrue(fileId.startsWith("file-"), fileId);
            assertEquals(MAPPER.readTree("{\"parameters\":{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/embeddings\","
                    + "\"metadata\":{\"job_name\":\"" + jobName + "\",\"input_uri\":\"s3://in-bucket/openai/a.jsonl\"}}}"),
                    MAPPER.readTree(predict.get(0).body()));

            // The job event points at the S3 copy, named after the input file, which holds one vector per record.
            final Event job = h.jobEvents().get(0);
            assertEquals("s3://out-bucket/results/" + jobName + "/a.jsonl.out", job.get("output_uri", String.class));
            assertEquals("openai", job.get("service_name", String.class));
            assertEquals(3, ((Number) job.get("records/total", Object.class)).intValue());
            final List<JsonNode> output = s3Lines(job.get("output_uri", String.class));
            assertEquals(3, output.size());
            assertEquals(List.of("d1", "d2", "d3"), output.stream().map(l -> l.path("custom_id").asText()).sorted().toList());
            assertTrue(output.stream().allMatch(l -> l.at("/response/body/data/0/embedding").size() == 2));
            // No error file: nothing but the output copy under the job's folder.
            assertEquals(List.of("results/" + jobName + "/a.jsonl.out"), s3.keys("out-bucket", "results/" + jobName + "/"));
        }
        assertEquals(List.of(jobName), apis.jobsCreated());
    }

    @Test
    void openAiRecordsRefusedAreDeadLetteredAndRecordsLeftOutGoOnInAFollowUpJob() throws Exception {
        put("openai/partial.jsonl", openAiLine("p1", "one"), openAiLine("p2", "please refuse me"),
                openAiLine("p3", "skip-once please"), openAiLine("p4", "four"));
        final String first = jobName(ServiceName.OPENAI, FakeHostedBatchApis.OPENAI_MODEL, "openai/partial.jsonl");
        try (CoordinatorHarness h = openAi(ledger()).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "openai/partial.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1 && h.jobEvents().size() == 2, Duration.ofSeconds(30)));
            assertEquals(2, apis.jobsCreated().size(), "the first job and one follow-up: " + apis.jobsCreated());
            assertEquals(first, apis.jobsCreated().get(0));
            final String followUp = apis.jobsCreated().get(1);

            final List<JsonNode> firstOutput = s3Lines("s3://out-bucket/results/" + first + "/partial.jsonl.out");
            final List<JsonNode> firstErrors = s3Lines("s3://out-bucket/results/" + first + "/partial.jsonl.errors.jsonl");
            final List<JsonNode> followUpOutput = s3Lines("s3://out-bucket/results/" + followUp + "/partial.jsonl.out");
            assertEquals(List.of("p1", "p4"), firstOutput.stream().map(l -> l.path("custom_id").asText()).sorted().toList());
            assertEquals(1, firstErrors.size());
            assertEquals(List.of("p3"), followUpOutput.stream().map(l -> l.path("custom_id").asText()).toList());

            final List<JsonNode> dead = deadLetters("please refuse me");
            assertEquals(1, dead.size());
            assertEquals(400, dead.get(0).path("status").asInt());
            assertTrue(dead.get(0).path("message").asText().contains("'$.input' is invalid"), dead.get(0).toString());
            assertEquals(1, dead.get(0).path("records").asInt());
            // records in = with a vector + dead-lettered
            assertEquals(4, firstOutput.size() + followUpOutput.size() + dead.size());
            assertEquals(0, deadLetters("skip-once").size());
        }
    }

    @Test
    void openAiOutputsAreNamedAfterTheInputFileTheJobRanOnAlsoForTheScreenedCopyAndTheFollowUp() throws Exception {
        // Stage 1's naming: <name>-<12 hex>-<10 digit ordinal>.jsonl. One blank text is screened out, so the first job
        // runs on a staged copy; one record is left out once, so a follow-up job runs on another staged copy.
        final String key = "openai/input/corpus-0a1b2c3d4e5f-0000000000.jsonl";
        final String fileName = "corpus-0a1b2c3d4e5f-0000000000.jsonl";
        put(key, openAiLine("n1", "one"), openAiLine("n2", " "), openAiLine("n3", "skip-once please"), openAiLine("n4", "please refuse me"));
        try (CoordinatorHarness h = openAi(ledger()).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", key)));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1 && h.jobEvents().size() == 2, Duration.ofSeconds(30)));
            assertEquals(2, apis.jobsCreated().size(), apis.jobsCreated().toString());
            final Event first = h.jobEvents().get(0);
            final Event followUp = h.jobEvents().get(1);
            assertEquals(apis.jobsCreated(), List.of(first.get("job_name", String.class), followUp.get("job_name", String.class)));
            final List<String> inputs = new ArrayList<>();
            for (final Event job : List.of(first, followUp)) {
                final String jobName = job.get("job_name", String.class);
                final String input = job.get("input_uri", String.class);
                inputs.add(input);
                assertTrue(input.matches("s3://out-bucket/staging/[^/]+/" + fileName.replace(".", "\\.")), input);
                assertEquals("s3://out-bucket/results/" + jobName + "/" + fileName + ".out", job.get("output_uri", String.class));
                // What stage 3's s3_enrich reads back from the output key: the raw object's name.
                final String outputName = job.get("output_uri", String.class).substring(job.get("output_uri", String.class).lastIndexOf('/') + 1);
                final Matcher raw = Pattern.compile("^(.*)-[0-9a-f]{12}-[0-9]{10}\\.jsonl\\.out$").matcher(outputName);
                assertTrue(raw.matches(), outputName);
                assertEquals("corpus", raw.group(1));
            }
            assertFalse(inputs.get(0).equals(inputs.get(1)), "the follow-up runs on its own staged copy: " + inputs);
            final String firstJob = first.get("job_name", String.class);
            final String followUpJob = followUp.get("job_name", String.class);
            // Exactly these objects: stage 3's filter (exclude_suffix errors.jsonl) keeps the .out copies and skips the error file.
            assertEquals(List.of("results/" + firstJob + "/" + fileName + ".errors.jsonl", "results/" + firstJob + "/" + fileName + ".out"),
                    s3.keys("out-bucket", "results/" + firstJob + "/").stream().sorted().toList());
            assertEquals(List.of("results/" + followUpJob + "/" + fileName + ".out"), s3.keys("out-bucket", "results/" + followUpJob + "/"));
            assertEquals(List.of("n1"), s3Lines(first.get("output_uri", String.class)).stream().map(l -> l.path("custom_id").asText()).toList());
            assertEquals(List.of("n4"), s3Lines("s3://out-bucket/results/" + firstJob + "/" + fileName + ".errors.jsonl").stream()
                    .map(l -> l.path("custom_id").asText()).toList());
            assertEquals(List.of("n3"), s3Lines(followUp.get("output_uri", String.class)).stream().map(l -> l.path("custom_id").asText()).toList());
        }
    }

    @Test
    void anOpenAiBatchRefusedForOneLineGoesOnWithoutThatRecordInsteadOfBeingRetriedAsIs() throws Exception {
        put("openai/badline.jsonl", openAiLine("g1", "one"), "{not json", openAiLine("g3", "three"));
        try (CoordinatorHarness h = openAi(ledger()).screen(false).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "openai/badline.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1 && h.jobEvents().size() == 2, Duration.ofSeconds(30)));
            final Event failed = h.jobEvents().get(0);
            assertEquals("FAILED", failed.get("state", String.class));
            assertEquals("invalid_json_line: This line is not parseable as valid JSON. (line 2 of s3://in-bucket/openai/badline.jsonl)",
                    failed.get("failure_reason", String.class));
            assertEquals(false, failed.get("will_retry", Boolean.class));
            assertEquals("COMPLETED", h.jobEvents().get(1).get("state", String.class));
            assertEquals("SPLIT", h.inputEvents().get(0).get("job_state", String.class));
            // The job without line 2 ran on a staged copy, which keeps the file name: so does its output.
            final Event rest = h.jobEvents().get(1);
            assertTrue(rest.get("input_uri", String.class).matches("s3://out-bucket/staging/[^/]+/badline\\.jsonl"), rest.toMap().toString());
            assertEquals("s3://out-bucket/results/" + rest.get("job_name", String.class) + "/badline.jsonl.out", rest.get("output_uri", String.class));
            final List<JsonNode> output = s3Lines(rest.get("output_uri", String.class));
            assertEquals(List.of("g1", "g3"), output.stream().map(l -> l.path("custom_id").asText()).sorted().toList());
        }
        assertEquals(2, apis.jobsCreated().size(), "the refused batch and one for the rest, no retry as is: " + apis.jobsCreated());
        final List<JsonNode> dead = deadLetters("{not json");
        assertEquals(1, dead.size());
        assertEquals(2, dead.get(0).path("line").asInt());
        assertTrue(dead.get(0).path("message").asText().contains("invalid_json_line"), dead.get(0).toString());
    }

    @Test
    void aCohereObjectIsUploadedAsADatasetValidatedEmbeddedAndCopiedIntoS3() throws Exception {
        put("cohere/a.jsonl", cohereLine("c1", "alpha"), cohereLine("c2", "beta"));
        final String jobName = jobName(ServiceName.COHERE, FakeHostedBatchApis.COHERE_MODEL, "cohere/a.jsonl");
        try (CoordinatorHarness h = cohere(ledger()).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "cohere/a.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1 && h.jobEvents().size() == 1, Duration.ofSeconds(20)));
            assertEquals("COMPLETED", h.inputEvents().get(0).get("job_state", String.class));

            final var upload = apis.received("POST", "/cohere/v1/datasets");
            assertEquals(1, upload.size());
            assertEquals("s3://in-bucket/cohere/a.jsonl", URLDecoder.decode(upload.get(0).query().replaceAll("^name=([^&]*)&.*$", "$1"),
                    StandardCharsets.UTF_8));
            assertTrue(upload.get(0).query().endsWith("&type=embed-input&keep_fields=id"), upload.get(0).query());
            assertTrue(upload.get(0).bodyText().contains("name=\"data\"; filename=\"a.jsonl\""), upload.get(0).bodyText());
            // _batch_predict only once Cohere said validated (the stand-in says "processing" first).
            final var predict = apis.received("POST", "/_batch_predict");
            assertEquals(1, predict.size());
            final String datasetId = MAPPER.readTree(predict.get(0).body()).at("/parameters/dataset_id").asText();
            assertEquals(MAPPER.readTree("{\"parameters\":{\"dataset_id\":\"" + datasetId + "\",\"name\":\"" + jobName + "\"}}"),
                    MAPPER.readTree(predict.get(0).body()));
            assertTrue(apis.received("GET", "/cohere/v1/datasets/" + datasetId).size() >= 2, "validation was waited for");
            assertEquals("validated", apis.datasets().get(datasetId).path("validation_status").asText());

            final Event job = h.jobEvents().get(0);
            assertEquals("s3://out-bucket/results/" + jobName + "/embeddings.jsonl", job.get("output_uri", String.class));
            final List<JsonNode> rows = s3Lines(job.get("output_uri", String.class));
            assertEquals(List.of("c1", "c2"), rows.stream().map(r -> r.path("id").asText()).sorted().toList());
            assertTrue(rows.stream().allMatch(r -> r.at("/embeddings/float").size() == 2));
            // The part link is downloaded without our key.
            final var parts = apis.received("GET", "/parts/");
            assertEquals(1, parts.size());
            assertFalse(parts.get(0).headers().containsKey("Authorization"));
        }
        assertEquals(List.of(jobName), apis.jobsCreated());
    }

    @Test
    void aDatasetCohereFailsToValidateIsAJobFailureWithCoheresReason() throws Exception {
        put("cohere/invalid.jsonl", cohereLine("v1", "fine"), "{\"id\":\"v2\",\"body\":\"no text field\"}");
        try (CoordinatorHarness h = cohere(ledger()).screen(false).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "cohere/invalid.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1, Duration.ofSeconds(20)));
            final Event event = h.inputEvents().get(0);
            assertTrue(event.getMetadata().getTags().contains("ml_failed"));
            final String reason = event.get("failure_reason", String.class);
            assertTrue(reason.contains("validation failed") && reason.contains("line 2: field 'text' is required"), reason);
        }
        assertEquals(List.of(), apis.jobsCreated());
        assertEquals(1, deadLetters("cohere/invalid.jsonl").size());
    }

    @Test
    void aReplayARestartAndALostLedgerCreateNoSecondJob() throws Exception {
        put("openai/replay.jsonl", openAiLine("r1", "alpha"), openAiLine("r2", "beta"));
        final String jobName = jobName(ServiceName.OPENAI, FakeHostedBatchApis.OPENAI_MODEL, "openai/replay.jsonl");
        try (CoordinatorHarness h = openAi(ledger()).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "openai/replay.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1 && h.jobEvents().size() == 1, Duration.ofSeconds(20)));
            h.coordinator.accept(List.of(Events.object("in-bucket", "openai/replay.jsonl"))); // redelivered
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 2, Duration.ofSeconds(10)));
        }
        try (CoordinatorHarness h = openAi(ledger()).build()) { // restart, same ledger
            h.coordinator.accept(List.of(Events.object("in-bucket", "openai/replay.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1, Duration.ofSeconds(10)));
            assertEquals("COMPLETED", h.inputEvents().get(0).get("job_state", String.class));
        }
        assertEquals(1, apis.received("POST", "/openai/v1/files").size(), "nothing uploaded again while the ledger knows the object");
        try (CoordinatorHarness h = openAi(dir.resolve("lost/new.ledger")).build()) { // the ledger is lost
            h.coordinator.accept(List.of(Events.object("in-bucket", "openai/replay.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1 && h.jobEvents().size() == 1, Duration.ofSeconds(20)));
            assertEquals("COMPLETED", h.inputEvents().get(0).get("job_state", String.class));
            // The job found by name is copied again to the same key, named after its input file.
            assertEquals("s3://out-bucket/results/" + jobName + "/replay.jsonl.out", h.jobEvents().get(0).get("output_uri", String.class));
            assertEquals(2, s3Lines(h.jobEvents().get(0).get("output_uri", String.class)).size());
        }
        assertEquals(List.of(jobName), apis.jobsCreated(), "one job, whatever was replayed or lost");
    }

    @Test
    void aJobFoundByNameWhoseOutputsTheProviderNoLongerHasRunsAgain() throws Exception {
        put("cohere/gone.jsonl", cohereLine("x1", "alpha"), cohereLine("x2", "beta"));
        final String first = jobName(ServiceName.COHERE, FakeHostedBatchApis.COHERE_MODEL, "cohere/gone.jsonl");
        try (CoordinatorHarness h = cohere(ledger()).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "cohere/gone.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1 && h.jobEvents().size() == 1, Duration.ofSeconds(20)));
        }
        apis.deleteProviderOutputs();
        try (CoordinatorHarness h = cohere(dir.resolve("lost/new.ledger")).build()) { // the ledger is lost, and so are Cohere's outputs
            h.coordinator.accept(List.of(Events.object("in-bucket", "cohere/gone.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1 && h.jobEvents().size() == 1, Duration.ofSeconds(20)));
            final Event job = h.jobEvents().get(0);
            assertEquals(first.replace("-a1", "-a2"), job.get("job_name", String.class));
            assertEquals("COMPLETED", job.get("state", String.class));
            assertEquals(2, s3Lines(job.get("output_uri", String.class)).size());
        }
        assertEquals(List.of(first, first.replace("-a1", "-a2")), apis.jobsCreated());
    }

    @Test
    void anOpenAiJobCreatedBeforeACrashIsFoundByItsMetadataJobName() throws Exception {
        put("openai/crash.jsonl", openAiLine("k1", "alpha"));
        final String jobName = jobName(ServiceName.OPENAI, FakeHostedBatchApis.OPENAI_MODEL, "openai/crash.jsonl");
        final InputObject input = pinned("openai/crash.jsonl");
        crashedWhileSubmitting(ServiceName.OPENAI, FakeHostedBatchApis.OPENAI_MODEL, input, jobName);
        // ...while ML Commons did create the job (over a file uploaded before the crash).
        final String fileId = new ProviderApiClient("OpenAI", URI.create(apis.openAiUrl()), FakeHostedBatchApis.API_KEY, Duration.ofSeconds(5),
                MAPPER).postMultipart("/v1/files", ProviderApiClient.Part.field("purpose", "batch"),
                new ProviderApiClient.Part("file", "x.jsonl", "application/jsonl", openAiLine("k1", "alpha").getBytes(StandardCharsets.UTF_8)))
                .path("id").asText();
        apis.createJobDirectly(FakeHostedBatchApis.OPENAI_MODEL, "{\"parameters\":{\"input_file_id\":\"" + fileId
                + "\",\"endpoint\":\"/v1/embeddings\",\"metadata\":{\"job_name\":\"" + jobName + "\"}}}");
        try (CoordinatorHarness h = openAi(ledger()).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "openai/crash.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1 && h.jobEvents().size() == 1, Duration.ofSeconds(20)));
            assertEquals("COMPLETED", h.inputEvents().get(0).get("job_state", String.class));
        }
        assertEquals(List.of(jobName), apis.jobsCreated());
        assertEquals(0, apis.received("GET", "/openai/v1/batches").size(), "ML Commons' remote_job.metadata.job_name sufficed");
        assertTrue(apis.received("POST", "/_search").get(0).bodyText().contains("remote_job.metadata.job_name"));
    }

    @Test
    void aCohereJobCreatedBeforeACrashIsFoundAtCohereByNameBeforeMlCommonsKnowsTheName() throws Exception {
        put("cohere/crash.jsonl", cohereLine("k1", "alpha"));
        final String jobName = jobName(ServiceName.COHERE, FakeHostedBatchApis.COHERE_MODEL, "cohere/crash.jsonl");
        crashedWhileSubmitting(ServiceName.COHERE, FakeHostedBatchApis.COHERE_MODEL, pinned("cohere/crash.jsonl"), jobName);
        final ProviderApiClient cohere = new ProviderApiClient("Cohere", URI.create(apis.cohereUrl()), FakeHostedBatchApis.API_KEY,
                Duration.ofSeconds(5), MAPPER);
        final String datasetId = cohere.postMultipart("/v1/datasets?name=x&type=embed-input&keep_fields=id",
                new ProviderApiClient.Part("data", "x.jsonl", "application/jsonl", cohereLine("k1", "alpha").getBytes(StandardCharsets.UTF_8)))
                .path("id").asText();
        while (!"validated".equals(cohere.getJson("/v1/datasets/" + datasetId).at("/dataset/validation_status").asText())) {
            Thread.sleep(10);
        }
        // ML Commons' task holds only job_id until its first refresh: a search by remote_job.name cannot find it yet.
        apis.createJobDirectly(FakeHostedBatchApis.COHERE_MODEL, "{\"parameters\":{\"dataset_id\":\"" + datasetId + "\",\"name\":\"" + jobName + "\"}}");
        try (CoordinatorHarness h = cohere(ledger()).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "cohere/crash.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1 && h.jobEvents().size() == 1, Duration.ofSeconds(20)));
            assertEquals("COMPLETED", h.inputEvents().get(0).get("job_state", String.class));
            assertEquals(1, s3Lines(h.jobEvents().get(0).get("output_uri", String.class)).size());
        }
        assertEquals(List.of(jobName), apis.jobsCreated());
        assertEquals(1, apis.received("GET", "/cohere/v1/embed-jobs").size(), "looked up at Cohere by name");
        assertTrue(apis.received("POST", "/_search").stream().anyMatch(r -> r.bodyText().contains("remote_job.job_id")));
    }

    @Test
    void aProviders429ThroughMlCommonsHoldsTheJobBackAndItGoesOutLater() throws Exception {
        apis.throttleNext(2);
        put("openai/throttled.jsonl", openAiLine("t1", "alpha"));
        try (CoordinatorHarness h = openAi(ledger()).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "openai/throttled.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1 && h.jobEvents().size() == 1, Duration.ofSeconds(20)));
            assertEquals("COMPLETED", h.inputEvents().get(0).get("job_state", String.class));
            assertEquals(2.0, h.metrics.batchJobsThrottled().count());
        }
        assertEquals(3, apis.received("POST", "/_batch_predict").size());
        assertEquals(1, apis.jobsCreated().size());
        assertEquals(1, apis.received("POST", "/openai/v1/files").size(), "the upload is not repeated while held back");
    }

    @Test
    void aWrongApiKeyDeadLettersTheObjectWithTheProvidersAnswerAndNeverTheKey() throws Exception {
        put("openai/key.jsonl", openAiLine("w1", "alpha"));
        final String wrongKey = "sk-wrong-key-987654321";
        try (CoordinatorHarness h = CoordinatorHarness.builder(apis.url(), ledger()).service(ServiceName.OPENAI)
                .modelId(FakeHostedBatchApis.OPENAI_MODEL).s3(s3).providerApi(apis.openAiUrl(), wrongKey).build()) {
            h.coordinator.accept(List.of(Events.object("in-bucket", "openai/key.jsonl")));
            assertTrue(h.runUntil(out -> h.inputEvents().size() == 1, Duration.ofSeconds(10)));
            final String reason = h.inputEvents().get(0).get("failure_reason", String.class);
            assertTrue(reason.contains("OpenAI answered HTTP 401 to POST /v1/files: Incorrect API key provided."), reason);
            assertFalse(reason.contains(wrongKey));
        }
        final List<JsonNode> dead = deadLetters("openai/key.jsonl");
        assertEquals(1, dead.size());
        assertEquals(401, dead.get(0).path("status").asInt());
        assertFalse(dead.get(0).toString().contains(wrongKey));
        assertEquals(List.of(), apis.jobsCreated());
    }

    private static InputObject pinned(final String key) {
        final String etag = s3.client().headObject(r -> r.bucket("in-bucket").key(key)).eTag().replace("\"", "");
        return new InputObject("in-bucket", key, "etag:" + etag);
    }

    /** The ledger only got as far as "submitting" before the process died. */
    private void crashedWhileSubmitting(final ServiceName service, final String modelId, final InputObject input, final String jobName)
            throws Exception {
        final JobNamer namer = new JobNamer(service, modelId, CoordinatorHarness.OUTPUT);
        try (JobLedger ledger = JobLedger.open(ledger(), Duration.ofDays(1), java.time.Clock.systemUTC())) {
            final JobRecord record = JobRecord.pending(namer.workKey(List.of(input)), List.of(input), jobName, Instant.now());
            ledger.save(record.submitting(Instant.now()));
            assertNotNull(ledger.byInput(input).orElse(null));
        }
    }
}
