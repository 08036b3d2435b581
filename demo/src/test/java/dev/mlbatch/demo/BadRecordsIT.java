package dev.mlbatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.JvmClasspath;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.model.ModelServiceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sixteen bad records among 998 good ones, through the three local pipelines of each provider on the real local stack,
 * with a provider fault on top: SageMaker refuses the first two jobs as invalid input (a deterministic failure, so the
 * jobs must be split, never resubmitted as they are), Bedrock ends its first job PartiallyCompleted with half its
 * records left out (they must be resubmitted in a follow-up job). Every run must end with records in = indexed +
 * rejected + dead-lettered (+ the input's non-records: a line that is not JSON, a repeated _id), every rejection
 * carrying its reason.
 */
class BadRecordsIT {
    private static final int GOOD = 998;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;
    private static ProjectLayout layout;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.startOrReuse();
        stack.resetModelService();
        layout = ProjectLayout.locate();
    }

    @AfterEach
    void resetFaults() {
        stack.resetModelService();
    }

    /** The bad records, in the order they are mixed in; {@code firstGoodId} is repeated by one of them. */
    static List<byte[]> badRecords(final String firstGoodId) {
        final List<byte[]> bad = new ArrayList<>();
        for (final String line : List.of(
                "{\"_id\":\"bad-01\",\"text\":\"   \"}",
                "{\"_id\":\"bad-02\",\"text\":\"\\t\\n\"}",
                "{\"_id\":\"bad-03\",\"text\":\"\"}",
                "{\"_id\":\"bad-04\"}",
                "{\"_id\":\"bad-05\",\"text\":null}",
                "{\"_id\":\"bad-06\",\"text\":42}",
                "{\"_id\":\"bad-07\",\"text\":[\"a\"]}",
                "{\"_id\":\"bad-08\",\"text\":{\"a\":1}}",
                "{\"text\":\"a record without an id\"}",
                "{\"_id\":null,\"text\":\"a record whose id is null\"}",
                "{\"_id\":\"bad-11\",\"text\":\"" + "x".repeat(50_001) + "\"}",
                "this line is not JSON",
                "{}",
                "{\"_id\":{\"x\":1},\"text\":\"a record whose id is an object\"}",
                "{\"_id\":\"" + firstGoodId + "\",\"text\":\"a second record under the id of the first good one\"}")) {
            bad.add(line.getBytes(StandardCharsets.UTF_8));
        }
        final ByteArrayOutputStream invalidUtf8 = new ByteArrayOutputStream();
        invalidUtf8.writeBytes("{\"_id\":\"bad-16\",\"text\":\"caf".getBytes(StandardCharsets.UTF_8));
        invalidUtf8.write(0xC3); // a lone lead byte, then one that is never UTF-8
        invalidUtf8.write(0xFF);
        invalidUtf8.writeBytes(" au lait\"}".getBytes(StandardCharsets.UTF_8));
        bad.add(invalidUtf8.toByteArray());
        return bad;
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void everyRecordIsIndexedRejectedWithItsReasonOrDeadLettered(final Provider provider) throws Exception {
        SelectedProviders.assumeSelected(provider);
        final PrintStream out = System.out;
        final List<String> good = Files.readAllLines(layout.corpus(), StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank()).limit(GOOD).toList();
        final List<byte[]> bad = badRecords(JSON.readTree(good.get(0)).path("_id").asText());
        final List<byte[]> lines = new ArrayList<>();
        for (int i = 0; i < good.size(); i++) {
            lines.add(good.get(i).getBytes(StandardCharsets.UTF_8));
            if (i % 60 == 30 && lines.size() - i - 1 < bad.size()) {
                lines.add(bad.get(lines.size() - i - 1));
            }
        }
        assertEquals(GOOD + bad.size(), lines.size(), "all sixteen bad records mixed in");
        // SageMaker refuses the first two jobs as invalid input; Bedrock (both modes) completes the first one
        // partially. The OpenAI and Cohere stand-ins have no partial fault: there the bad records alone are tested.
        final ModelServiceConfig.FaultRule fault = switch (provider) {
            case SAGEMAKER -> new ModelServiceConfig.FaultRule("fail", "sagemaker", "^mlb-", null, 2, "ClientError: The input data is invalid.");
            case BEDROCK, BEDROCK_BUILTIN -> new ModelServiceConfig.FaultRule("partial", "bedrock", "^mlb-", null, 1, null);
            case OPENAI, COHERE -> null;
        };
        stack.configureModelService(new ModelServiceConfig(null, null, null, fault == null ? List.of() : List.of(fault)));

        final Path work = StackHome.locate().root().resolve("bad-records-test").resolve(provider.id());
        try (EndToEndFlow flow = new EndToEndFlow(stack, provider, layout.localPipelines(), work, JvmClasspath.current(),
                StackHome.locate().root(), out)) {
            out.println("=== " + provider + ": " + GOOD + " good records, " + bad.size() + " bad ones, fault "
                    + (fault == null ? "none" : fault.action()));
            final FlowSummary summary = flow.runAccounted(lines);
            summary.print(out);
            final RecordAccount account = summary.account();
            printRejections(provider);
            assertTrue(account.balanced(), "records in = indexed + rejected + dead-lettered: " + account);
            assertEquals(GOOD + bad.size(), account.recordsIn());
            assertEquals(13, account.rejected(), "every record that can never be embedded is rejected before a job");
            assertEquals(0, account.rejectedWithoutReason());
            assertEquals(1, account.notJson());
            assertEquals(1, account.duplicateIds());
            assertEquals(0, account.deadLettered(), "the fault cost no good record");
            assertEquals(0, account.keptByStage3(), "every output was indexed, none set aside in " + provider.prefix() + "failed/");
            assertEquals(GOOD + 1, account.indexed(), "the good records and the one with replaced bytes");
            final List<String> jobNames = summary.jobs().jobs().stream().map(ProviderJobs.Job::name).toList();
            out.println("provider jobs: " + summary.jobs().describe() + " " + jobNames);
            if (provider == Provider.SAGEMAKER) {
                assertTrue(jobNames.stream().noneMatch(name -> name.endsWith("-a2")), "a refused job is split, not resubmitted as is");
                assertEquals(2, summary.jobs().jobs().stream().filter(j -> "Failed".equals(j.status())).count(), "the two refused jobs");
                assertTrue(jobNames.size() >= 4, "each refused job went on as two smaller ones");
            } else if (fault != null) {
                assertEquals(3, jobNames.size(), "one job per input file and one follow-up for the partial one");
            } else {
                assertEquals(summary.inputFiles(), jobNames.size(), "one job per input file");
            }
        }
    }

    private static void printRejections(final Provider provider) throws Exception {
        final TreeMap<String, Integer> reasons = new TreeMap<>();
        try (S3Client s3 = stack.newS3Client()) {
            for (final S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(stack.bucket()).prefix(provider.prefix() + "rejected/")).contents()) {
                final String body = s3.getObject(r -> r.bucket(stack.bucket()).key(o.key()), ResponseTransformer.toBytes()).asUtf8String();
                for (final String line : body.split("\n")) {
                    if (!line.isBlank()) {
                        final JsonNode node = JSON.readTree(line);
                        reasons.merge(node.path("rejection_reason").asText("(none)"), 1, Integer::sum);
                    }
                }
            }
        }
        reasons.forEach((reason, n) -> System.out.printf("  rejected %2d  %s%n", n, reason));
    }
}
