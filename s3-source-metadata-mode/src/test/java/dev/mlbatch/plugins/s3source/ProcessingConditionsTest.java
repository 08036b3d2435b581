package dev.mlbatch.plugins.s3source;

import dev.mlbatch.plugins.s3source.config.S3SourceConfig;
import dev.mlbatch.plugins.s3source.fixtures.CollectingBuffer;
import dev.mlbatch.plugins.s3source.fixtures.ConfigBinder;
import dev.mlbatch.plugins.s3source.fixtures.InMemorySourceCoordinator;
import dev.mlbatch.plugins.common.testing.LocalS3;
import dev.mlbatch.plugins.s3source.fixtures.S3RequestGate;
import dev.mlbatch.plugins.s3source.fixtures.TestPluginFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * processing_conditions end to end: the source against the local S3 server, a Bedrock-like output layout (per-job
 * folders of {@code .out} files and a {@code manifest.json.out} written last). The retry_delay here is one second,
 * below the validated minimum of one minute, so the configuration is bound without validation (the bounds are
 * {@code ProcessingConditionConfigTest}'s business).
 */
class ProcessingConditionsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String BUCKET = "batch";
    private static final String COMPLETE = "{\"totalRecordCount\": 2, \"processedRecordCount\": 2}";
    private static final String RUNNING = "{\"totalRecordCount\": 2, \"processedRecordCount\": 1}";

    private LocalS3 s3;
    private S3RequestGate gate;

    @BeforeEach
    void startS3() throws Exception {
        s3 = LocalS3.startWithoutAuthentication();
        gate = new S3RequestGate(s3.endpoint());
        s3.createBucket(BUCKET);
    }

    @AfterEach
    void stopS3() throws Exception {
        gate.close();
        s3.close();
    }

    private static S3SourceConfig config(final int maxRetry, final boolean processAfterMaxRetry) throws Exception {
        return ConfigBinder.bind(String.join("\n",
                "aws: {region: us-east-1}",
                "disable_bucket_ownership_validation: true",
                "codec: {" + TestPluginFactory.CODEC_NAME + ": {}}",
                "scan:",
                "  buckets:",
                "    - bucket:",
                "        name: " + BUCKET,
                "        data_selection: data_only",
                "        filter: {include_prefix: [output/], exclude_suffix: [manifest.json.out]}",
                "        processing_conditions:",
                "          - object_name: manifest.json.out",
                "            when: '/processedRecordCount == /totalRecordCount'",
                "            retry_delay: PT1S",
                "            max_retry: " + maxRetry,
                "            process_after_max_retry: " + processAfterMaxRetry) + "\n", S3SourceConfig.class);
    }

    /** Two output files of one record each in {@code output/<job>/}. */
    private void putOutputs(final String job) {
        s3.put(BUCKET, "output/" + job + "/a.jsonl.out", "{\"job\":\"" + job + "\",\"file\":\"a\"}\n");
        s3.put(BUCKET, "output/" + job + "/b.jsonl.out", "{\"job\":\"" + job + "\",\"file\":\"b\"}\n");
    }

    private static List<String> read(final List<Event> events) {
        return events.stream().map(e -> e.get("job", String.class) + "/" + e.get("file", String.class)).sorted()
                .collect(Collectors.toList());
    }

    private Set<String> objectReads() {
        return gate.seen().stream().filter(S3RequestGate.SeenRequest::isObjectRead).map(r -> r.path)
                .filter(path -> !path.endsWith("manifest.json.out")).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void objects_wait_for_their_sentinel_without_blocking_others_and_across_a_restart() throws Exception {
        putOutputs("done");
        s3.put(BUCKET, "output/done/manifest.json.out", COMPLETE);
        putOutputs("no-manifest");
        putOutputs("running");
        s3.put(BUCKET, "output/running/manifest.json.out", RUNNING);

        final CollectingBuffer buffer = new CollectingBuffer();
        final InMemorySourceCoordinator<S3ObjectProgressState> store;
        // No scheduling: a single scan, so anything read after it was read without a new listing.
        try (ScanSourceHarness first = new ScanSourceHarness(gate.endpoint(), config(3, false),
                new InMemorySourceCoordinator<>(S3ObjectProgressState.class), buffer).start()) {
            assertTrue(ScanSourceHarness.await(() -> buffer.size() == 2, WAIT), "the complete job is read: " + read(buffer.events()));
            // 4 waiting objects, max_retry 3: after 3 checks each, one WARN (and one count) per object.
            assertTrue(ScanSourceHarness.await(() -> first.counter(S3ScanMetrics.CONDITION_MAX_RETRY_REACHED) >= 4, WAIT),
                    "max_retry reached for every waiting object");
            assertEquals(List.of("done/a", "done/b"), read(buffer.events()));
            assertEquals(Set.of("/batch/output/done/a.jsonl.out", "/batch/output/done/b.jsonl.out"), objectReads(),
                    "no output of an incomplete job was fetched");
            assertTrue(first.counter(S3ScanMetrics.OBJECTS_WAITING_FOR_CONDITION) >= 12);
            assertEquals(0.0, first.counter(S3ScanMetrics.OBJECTS_READ_WITH_UNMET_CONDITION));
            assertTrue(!first.source.isFinished(), "objects waiting for their sentinel keep the source from finishing");

            // The job without a manifest finishes: its outputs are read by the same scan's partitions.
            s3.put(BUCKET, "output/no-manifest/manifest.json.out", COMPLETE);
            assertTrue(ScanSourceHarness.await(() -> buffer.size() == 4, WAIT), "read once the manifest exists: " + read(buffer.events()));
            assertEquals(1.0, first.counter(S3ScanMetrics.SCANS_COMPLETED), "no new scan was needed");
            first.source.stop();
            store = first.coordinator;
        }
        assertEquals(List.of("done/a", "done/b", "no-manifest/a", "no-manifest/b"), read(buffer.events()));
        assertEquals(2, store.keysWithStatus(InMemorySourceCoordinator.Status.CLOSED).size(), "the running job's outputs wait in the store");

        // Restart on the same store: the running job completes while the source is down.
        s3.put(BUCKET, "output/running/manifest.json.out", COMPLETE);
        final CollectingBuffer secondBuffer = new CollectingBuffer();
        try (ScanSourceHarness second = new ScanSourceHarness(gate.endpoint(), config(3, false), store.restarted(), secondBuffer).start()) {
            assertTrue(ScanSourceHarness.await(() -> secondBuffer.size() == 2, WAIT), "read after the restart: " + read(secondBuffer.events()));
            assertTrue(second.awaitFinished(WAIT));
            assertEquals(List.of("running/a", "running/b"), read(secondBuffer.events()));
        }
        assertEquals(6, store.keysWithStatus(InMemorySourceCoordinator.Status.COMPLETED).size());
    }

    @Test
    void process_after_max_retry_reads_the_object_as_it_is_after_max_retry_retries() throws Exception {
        putOutputs("never");
        final CollectingBuffer buffer = new CollectingBuffer();
        try (ScanSourceHarness harness = new ScanSourceHarness(gate.endpoint(), config(2, true),
                new InMemorySourceCoordinator<>(S3ObjectProgressState.class), buffer).start()) {
            assertTrue(harness.awaitFinished(WAIT));
            assertEquals(List.of("never/a", "never/b"), read(buffer.events()));
            // Check 1 and the 2 retries wait; the check after them reads.
            assertEquals(4.0, harness.counter(S3ScanMetrics.OBJECTS_WAITING_FOR_CONDITION));
            assertEquals(2.0, harness.counter(S3ScanMetrics.OBJECTS_READ_WITH_UNMET_CONDITION));
            assertEquals(0.0, harness.counter(S3ScanMetrics.CONDITION_MAX_RETRY_REACHED));
        }
    }

    @Test
    void a_sentinel_that_cannot_be_parsed_holds_the_object_back_until_it_is_fixed() throws Exception {
        putOutputs("broken");
        s3.put(BUCKET, "output/broken/manifest.json.out", "{\"totalRecordCount\": 2,");
        final CollectingBuffer buffer = new CollectingBuffer();
        try (ScanSourceHarness harness = new ScanSourceHarness(gate.endpoint(), config(10, false),
                new InMemorySourceCoordinator<>(S3ObjectProgressState.class), buffer).start()) {
            assertTrue(ScanSourceHarness.await(() -> harness.counter(S3ScanMetrics.CONDITION_ERRORS) >= 4, WAIT));
            assertEquals(0, buffer.size());
            assertEquals(Set.of(), objectReads());
            s3.put(BUCKET, "output/broken/manifest.json.out", COMPLETE);
            assertTrue(harness.awaitFinished(WAIT));
            assertEquals(List.of("broken/a", "broken/b"), read(buffer.events()));
        }
    }

    @Test
    void an_invalid_when_expression_is_refused_at_construction_naming_its_key() throws Exception {
        final S3SourceConfig config = ConfigBinder.bind(String.join("\n",
                "aws: {region: us-east-1}",
                "codec: {" + TestPluginFactory.CODEC_NAME + ": {}}",
                "scan:",
                "  buckets:",
                "    - bucket: {name: other}",
                "    - bucket:",
                "        name: " + BUCKET,
                "        processing_conditions:",
                "          - {object_name: ok, when: '/a == 1'}",
                "          - {object_name: manifest.json.out, when: '/processedRecordCount =='}") + "\n", S3SourceConfig.class);
        final InvalidPluginConfigurationException e;
        try {
            e = assertThrows(InvalidPluginConfigurationException.class,
                    () -> new ScanSourceHarness(gate.endpoint(), config, new InMemorySourceCoordinator<>(S3ObjectProgressState.class),
                            new CollectingBuffer()));
        } finally {
            System.clearProperty("aws.endpointUrlS3");
        }
        assertTrue(e.getMessage().startsWith("scan.buckets[1].bucket.processing_conditions[1].when: '/processedRecordCount ==' is not"),
                e.getMessage());
    }
}
