package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.s3.S3Server;
import dev.mlbatch.stack.s3.S3Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The order in which a Bedrock invocation job's outputs appear, watched from outside as a reader would: every
 * {@code .out} object while the job is InProgress and without a manifest, {@code manifest.json.out} only after
 * the configured gap, and Completed only once the manifest is there.
 */
class BedrockJobRunnerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "bkt";
    private static final long MANIFEST_DELAY_MS = 800;

    @TempDir
    static Path s3Dir;
    private static S3Server s3Server;
    private static S3Store s3;
    private static MiniLmModel model;

    @BeforeAll
    static void start() throws Exception {
        s3Server = S3Server.start(s3Dir, 0, LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY);
        s3 = new S3Store(s3Server.endpoint(), LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY, "us-east-1");
        s3.ensureBucket(BUCKET);
        model = new MiniLmModel();
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        s3Server.close();
    }

    /** One observation from outside: the job's state just before and just after listing its output folder. */
    private record Seen(long atNanos, String before, Set<String> keys, String after) {
    }

    @Test
    void outputs_come_first_while_in_progress_then_the_manifest_after_a_gap_then_completed() throws Exception {
        for (String file : List.of("part-1.jsonl", "part-2.jsonl")) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                body.append("{\"recordId\":\"").append(file).append('-').append(i)
                        .append("\",\"modelInput\":{\"inputText\":\"word number ").append(i).append("\"}}\n");
            }
            s3.put(BUCKET, "order/input/" + file, body.toString().getBytes(StandardCharsets.UTF_8), "application/jsonl");
        }
        ObjectNode request = JSON.createObjectNode();
        request.put("jobName", "order-test");
        request.put("modelId", "amazon.titan-embed-text-v2:0");
        request.putObject("inputDataConfig").putObject("s3InputDataConfig").put("s3Uri", "s3://" + BUCKET + "/order/input/");
        request.putObject("outputDataConfig").putObject("s3OutputDataConfig").put("s3Uri", "s3://" + BUCKET + "/order/output/");
        InvocationJob job = new InvocationJob("job1", "arn:aws:bedrock:us-east-1:000000000000:model-invocation-job/job1",
                request, Instant.now());
        BedrockJobRunner runner = new BedrockJobRunner(s3, new TitanEmbedding(model), new FaultInjector(), () -> 0L,
                () -> new ModelServiceConfig.BedrockQuotas(1, 1000, 1), Clock.systemUTC(), () -> MANIFEST_DELAY_MS);

        String folder = "order/output/job1/";
        String manifest = folder + "manifest.json.out";
        Set<String> outputs = Set.of(folder + "part-1.jsonl.out", folder + "part-2.jsonl.out");
        Thread worker = new Thread(() -> runner.run(job), "bedrock-job");
        worker.start();
        List<Seen> seen = new ArrayList<>();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            String before = job.status();
            Set<String> keys = new HashSet<>(s3.listKeys(BUCKET, folder));
            seen.add(new Seen(System.nanoTime(), before, keys, job.status()));
            if (job.isTerminal()) {
                break;
            }
            Thread.sleep(10);
        }
        worker.join(10_000);
        // One listing after the end too: the job can complete between the loop's last listing and its status check.
        String last = job.status();
        seen.add(new Seen(System.nanoTime(), last, new HashSet<>(s3.listKeys(BUCKET, folder)), job.status()));

        assertEquals("Completed", job.status());
        assertEquals(Set.of(folder + "part-1.jsonl.out", folder + "part-2.jsonl.out", manifest),
                new HashSet<>(s3.listKeys(BUCKET, folder)));
        // Each rule compares a listing with the state read just before it, so a correct runner cannot fail it by a race.
        for (Seen s : seen) {
            if (s.keys().contains(manifest)) {
                assertTrue(s.keys().containsAll(outputs), "the manifest is written last: " + s.keys());
            }
            if (s.keys().stream().anyMatch(k -> k.endsWith(".jsonl.out")) && !s.keys().contains(manifest)) {
                assertTrue(Set.of("Scheduled", "InProgress").contains(s.before()), "outputs without a manifest belong to a running job: " + s);
            }
            if ("Completed".equals(s.before())) {
                assertTrue(s.keys().contains(manifest), "Completed is reported only after the manifest exists: " + s);
            }
        }
        long allOutputs = seen.stream().filter(s -> s.keys().containsAll(outputs)).mapToLong(Seen::atNanos).min().orElseThrow();
        long manifestSeen = seen.stream().filter(s -> s.keys().contains(manifest)).mapToLong(Seen::atNanos).min().orElseThrow();
        assertTrue(seen.stream().anyMatch(s -> s.keys().containsAll(outputs) && !s.keys().contains(manifest)
                        && "InProgress".equals(s.before()) && "InProgress".equals(s.after())),
                "a reader sees every output, no manifest and an InProgress job for a while");
        // The listing after the manifest's write can lag the write by a poll; the gap is measured from the outside.
        assertTrue((manifestSeen - allOutputs) / 1_000_000 >= MANIFEST_DELAY_MS - 100,
                "gap between outputs and manifest: " + (manifestSeen - allOutputs) / 1_000_000 + " ms");
        assertEquals(6, JSON.readTree(s3.get(BUCKET, manifest).orElseThrow()).path("processedRecordCount").asInt());
    }

    @Test
    void the_gap_is_configured_by_system_property_with_a_default_of_1500_ms() {
        String before = System.getProperty(BedrockJobRunner.MANIFEST_DELAY_PROPERTY);
        try {
            System.setProperty(BedrockJobRunner.MANIFEST_DELAY_PROPERTY, "250");
            assertEquals(250, BedrockJobRunner.configuredManifestDelayMillis());
            System.setProperty(BedrockJobRunner.MANIFEST_DELAY_PROPERTY, "soon");
            assertEquals(BedrockJobRunner.DEFAULT_MANIFEST_DELAY_MILLIS, BedrockJobRunner.configuredManifestDelayMillis());
            System.clearProperty(BedrockJobRunner.MANIFEST_DELAY_PROPERTY);
            if (System.getenv(BedrockJobRunner.MANIFEST_DELAY_ENV) == null) {
                assertEquals(1500, BedrockJobRunner.configuredManifestDelayMillis());
            }
        } finally {
            if (before == null) {
                System.clearProperty(BedrockJobRunner.MANIFEST_DELAY_PROPERTY);
            } else {
                System.setProperty(BedrockJobRunner.MANIFEST_DELAY_PROPERTY, before);
            }
        }
    }
}
