package dev.mlbatch.plugins.s3source;

import dev.mlbatch.plugins.s3source.fixtures.InMemorySourceCoordinator;
import dev.mlbatch.plugins.common.testing.LocalS3;
import dev.mlbatch.plugins.s3source.fixtures.S3RequestGate;
import dev.mlbatch.plugins.s3source.fixtures.TestPluginFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.event.Event;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The source against a real local S3 server (s3proxy), behind a gate that records requests and checks owners. */
class S3ScanSourceTest {
    private static final String OWNER = "111122223333";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private LocalS3 s3;
    private S3RequestGate gate;

    @BeforeEach
    void startS3() throws Exception {
        s3 = LocalS3.startWithoutAuthentication();
        gate = new S3RequestGate(s3.endpoint());
    }

    @AfterEach
    void stopS3() throws Exception {
        gate.close();
        s3.close();
    }

    private static String yaml(final String... lines) {
        return String.join("\n", lines) + "\n";
    }

    private static Set<String> keys(final List<Event> events) {
        return events.stream().map(e -> e.get("bucket", String.class) + "/" + e.get("key", String.class))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static byte[] gzip(final String text) throws Exception {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @Test
    void metadata_only_emits_listing_fields_for_every_bucket_with_or_without_filter_and_never_reads_objects() throws Exception {
        s3.createBucket("alpha");
        s3.createBucket("beta");
        s3.put("alpha", "in/1.jsonl", "{\"a\":1}\n");
        s3.put("alpha", "in/batch.manifest", "manifest");
        s3.put("alpha", "other/2.jsonl", "{\"a\":2}\n");
        s3.put("beta", "x.jsonl", "12345");
        s3.put("beta", "dir/y.jsonl", "");
        gate.setBucketOwner("alpha", OWNER);
        gate.setBucketOwner("beta", OWNER);

        try (ScanSourceHarness harness = new ScanSourceHarness(gate.endpoint(), yaml(
                "aws: {region: us-east-1}",
                "default_bucket_owner: " + OWNER,
                "scan:",
                "  buckets:",
                "    - bucket: {name: alpha, data_selection: metadata_only, filter: {include_prefix: [in/], exclude_suffix: [.manifest]}}",
                "    - bucket: {name: beta, data_selection: metadata_only}")).start()) {
            assertTrue(harness.awaitFinished(WAIT), "source should finish after its single scan");
            final List<Event> events = harness.buffer.events();
            assertEquals(Set.of("alpha/in/1.jsonl", "beta/dir/y.jsonl", "beta/x.jsonl"), keys(events));
            final Map<String, S3Object> listed = s3.client().listObjectsV2(b -> b.bucket("beta")).contents().stream()
                    .collect(Collectors.toMap(S3Object::key, o -> o));
            for (final Event event : events) {
                assertEquals(Set.of("bucket", "key", "time", "length"), event.toMap().keySet());
                if (event.get("bucket", String.class).equals("beta")) {
                    final S3Object object = listed.get(event.get("key", String.class));
                    assertEquals(object.size(), event.get("length", Long.class));
                    assertEquals(object.lastModified(), event.get("time", Instant.class));
                    assertEquals(object.lastModified(), event.getMetadata().getExternalOriginationTime());
                }
            }
            assertTrue(gate.seen().stream().noneMatch(S3RequestGate.SeenRequest::isObjectRead),
                    "metadata_only must not HEAD or GET objects: " + gate.seen());
            assertTrue(gate.seen().stream().allMatch(r -> OWNER.equals(r.expectedOwner)), "every request carries the owner");
            assertEquals(3, harness.coordinator.keysWithStatus(InMemorySourceCoordinator.Status.COMPLETED).size());
            assertEquals(0.0, harness.gauge(S3ScanMetrics.OBJECTS_PENDING));
            assertEquals(3.0, harness.counter(S3ScanMetrics.OBJECTS_SUCCEEDED));
        }
    }

    @Test
    void each_bucket_entry_uses_its_own_data_selection_even_without_a_filter() throws Exception {
        s3.createBucket("shared");
        s3.createBucket("plain");
        s3.createBucket("zipped");
        s3.put("shared", "input/batch-1.jsonl", "{\"doc\":1}\n{\"doc\":2}\n");
        s3.put("shared", "input/batch-1.jsonl.manifest", "m");
        s3.put("shared", "output/result-1.jsonl", "{\"out\":1}\n{\"out\":2}\n{\"out\":3}\n");
        s3.put("plain", "records.jsonl", "{\"p\":1}\n");
        s3.put("zipped", "part.jsonl.gz", gzip("{\"z\":1}\n{\"z\":2}\n"));

        try (ScanSourceHarness harness = new ScanSourceHarness(gate.endpoint(), yaml(
                "aws: {region: us-east-1}",
                "disable_bucket_ownership_validation: true",
                "codec: {" + TestPluginFactory.CODEC_NAME + ": {}}",
                "compression: automatic",
                "workers: '2'",
                "scan:",
                "  buckets:",
                "    - bucket: {name: shared, data_selection: metadata_only, filter: {include_prefix: [input/], exclude_suffix: [.manifest]}}",
                "    - bucket: {name: shared, data_selection: data_only, filter: {include_prefix: [output/]}}",
                "    - bucket: {name: plain, data_selection: data_only}",
                "    - bucket: {name: zipped}")).start()) {
            assertTrue(harness.awaitFinished(WAIT));
            final List<Event> events = harness.buffer.events();
            final List<Event> metadata = events.stream().filter(e -> e.containsKey("length")).collect(Collectors.toList());
            assertEquals(1, metadata.size());
            assertEquals("input/batch-1.jsonl", metadata.get(0).get("key", String.class));
            assertEquals(Set.of(1, 2, 3), events.stream().filter(e -> e.containsKey("out"))
                    .map(e -> e.get("out", Integer.class)).collect(Collectors.toSet()));
            events.stream().filter(e -> e.containsKey("out") || e.containsKey("p"))
                    .forEach(e -> assertFalse(e.containsKey("s3"), "data_only adds no fields: " + e.toJsonString()));
            final List<Event> zipped = events.stream().filter(e -> e.containsKey("z")).collect(Collectors.toList());
            assertEquals(2, zipped.size());
            for (final Event event : zipped) {
                assertEquals("zipped", event.get("s3/bucket", String.class));
                assertEquals("part.jsonl.gz", event.get("s3/key", String.class));
            }
            assertEquals(7, events.size());
            assertTrue(gate.seen().stream().allMatch(r -> r.expectedOwner == null), "ownership validation disabled");
        }
    }

    @Test
    void bad_inputs_are_logged_counted_and_do_not_stop_the_other_objects() throws Exception {
        s3.createBucket("good");
        s3.createBucket("foreign");
        s3.put("good", "ok.jsonl", "{\"n\":1}\n{\"n\":2}\n");
        s3.put("good", "broken.jsonl", "{\"n\":3}\n{not json\n{\"n\":4}\n");
        s3.put("good", "notgzip.jsonl.gz", "{\"n\":5}\n");
        s3.put("good", "empty.jsonl", "");
        s3.put("good", "vanishing.jsonl", "{\"n\":6}\n");
        s3.put("foreign", "secret.jsonl", "{\"n\":7}\n");
        gate.setBucketOwner("good", OWNER);
        gate.setBucketOwner("foreign", "999988887777");
        gate.failRequests("/good/vanishing.jsonl", 404, 1);

        try (ScanSourceHarness harness = new ScanSourceHarness(gate.endpoint(), yaml(
                "aws: {region: us-east-1}",
                "default_bucket_owner: " + OWNER,
                "codec: {" + TestPluginFactory.CODEC_NAME + ": {}}",
                "compression: automatic",
                "scan:",
                "  buckets:",
                "    - bucket: {name: no-such-bucket, data_selection: data_only}",
                "    - bucket: {name: foreign, data_selection: data_only}",
                "    - bucket: {name: good, data_selection: data_only}")).start()) {
            assertTrue(harness.awaitFinished(WAIT));
            final Set<Integer> values = harness.buffer.events().stream().map(e -> e.get("n", Integer.class))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(Set.of(1, 2, 3, 4), values, "good objects and the good lines of broken.jsonl arrive");
            assertEquals(2.0, harness.counter(S3ScanMetrics.BUCKET_LIST_FAILED), "missing bucket and wrong owner");
            assertEquals(1.0, harness.counter(S3ScanMetrics.MALFORMED_RECORDS));
            assertEquals(1.0, harness.counter(S3ScanMetrics.OBJECTS_FAILED), "the object that is not gzip");
            assertEquals(1.0, harness.counter(S3ScanMetrics.OBJECTS_EMPTY));
            assertEquals(1.0, harness.counter(S3ScanMetrics.OBJECTS_NOT_FOUND));
            final Map<String, InMemorySourceCoordinator.Status> statuses = harness.coordinator.statuses();
            assertEquals(InMemorySourceCoordinator.Status.CLOSED, statusOf(statuses, "good|notgzip.jsonl.gz|"),
                    "an object that could not be read is not marked done");
            assertEquals(InMemorySourceCoordinator.Status.COMPLETED, statusOf(statuses, "good|broken.jsonl|"));
            assertEquals(InMemorySourceCoordinator.Status.COMPLETED, statusOf(statuses, "good|ok.jsonl|"));
            assertEquals(InMemorySourceCoordinator.Status.COMPLETED, statusOf(statuses, "good|empty.jsonl|"));
            assertTrue(statuses.keySet().stream().noneMatch(key -> key.startsWith("foreign|")), "nothing listed from a foreign bucket");
        }
    }

    private static InMemorySourceCoordinator.Status statusOf(final Map<String, InMemorySourceCoordinator.Status> statuses, final String prefix) {
        return statuses.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no partition " + prefix + "… in " + statuses.keySet()));
    }

    @Test
    void every_event_names_its_object_version_and_its_ordinal_in_metadata_not_in_data() throws Exception {
        s3.createBucket("named");
        s3.put("named", "raw/a.jsonl", "{\"n\":0}\n{not json\n{\"n\":1}\n{\"n\":2}\n");
        final String etag = s3.client().headObject(b -> b.bucket("named").key("raw/a.jsonl")).eTag().replace("\"", "");
        try (ScanSourceHarness harness = new ScanSourceHarness(gate.endpoint(), yaml(
                "aws: {region: us-east-1}",
                "disable_bucket_ownership_validation: true",
                "codec: {" + TestPluginFactory.CODEC_NAME + ": {}}",
                "scan: {buckets: [{bucket: {name: named, data_selection: data_only}}]}")).start()) {
            assertTrue(harness.awaitFinished(WAIT));
            final List<Event> events = harness.buffer.events();
            assertEquals(3, events.size());
            for (int i = 0; i < 3; i++) {
                final Event event = events.get(i);
                assertEquals("{\"n\":" + i + "}", event.toJsonString(), "data_only adds nothing to the data");
                assertEquals("named", event.getMetadata().getAttribute(ObjectEventFactory.METADATA_BUCKET));
                assertEquals("raw/a.jsonl", event.getMetadata().getAttribute(ObjectEventFactory.METADATA_KEY));
                assertEquals(etag, event.getMetadata().getAttribute(ObjectEventFactory.METADATA_ETAG));
                // The malformed line is not a record: ordinals count the records the codec delivered.
                assertEquals((long) i, event.getMetadata().getAttribute(ObjectEventFactory.METADATA_RECORD_ORDINAL));
            }
        }
    }

    @Test
    void a_failing_read_is_retried_with_backoff_and_its_events_arrive_once() throws Exception {
        s3.createBucket("flaky");
        s3.put("flaky", "a.jsonl", "{\"n\":1}\n{\"n\":2}\n");
        // More failures than the SDK's own attempts, so the source's retry has to step in.
        gate.failRequests("/flaky/a.jsonl", 500, S3ScanSource.S3_MAX_ATTEMPTS);
        try (ScanSourceHarness harness = new ScanSourceHarness(gate.endpoint(), yaml(
                "aws: {region: us-east-1}",
                "codec: {" + TestPluginFactory.CODEC_NAME + ": {}}",
                "scan: {buckets: [{bucket: {name: flaky, data_selection: data_only}}]}")).start()) {
            assertTrue(harness.awaitFinished(WAIT));
            assertEquals(List.of(1, 2), harness.buffer.events().stream().map(e -> e.get("n", Integer.class)).collect(Collectors.toList()));
            assertEquals(1.0, harness.counter(S3ScanMetrics.OBJECTS_RETRIED));
        }
    }

    @Test
    void rescans_emit_new_and_changed_objects_and_never_unchanged_ones_again() throws Exception {
        s3.createBucket("daily");
        s3.put("daily", "same.jsonl", "{\"v\":\"same\"}\n");
        s3.put("daily", "edited.jsonl", "{\"v\":\"old\"}\n");
        try (ScanSourceHarness harness = new ScanSourceHarness(gate.endpoint(), yaml(
                "aws: {region: us-east-1}",
                "codec: {" + TestPluginFactory.CODEC_NAME + ": {}}",
                "scan:",
                "  scheduling: {interval: PT2S, count: 3}",
                "  buckets: [{bucket: {name: daily, data_selection: data_only}}]")).start()) {
            assertTrue(ScanSourceHarness.await(() -> harness.buffer.size() == 2, WAIT));
            Thread.sleep(1100); // last-modified has one-second resolution: make the edit visible as a new version
            s3.put("daily", "edited.jsonl", "{\"v\":\"new\"}\n");
            s3.put("daily", "added.jsonl", "{\"v\":\"added\"}\n");
            assertTrue(harness.awaitFinished(WAIT));
            final List<String> values = harness.buffer.events().stream().map(e -> e.get("v", String.class)).sorted().collect(Collectors.toList());
            assertEquals(List.of("added", "new", "old", "same"), values);
            assertEquals(3, ScanSchedule.scansDone(harness.coordinator.globalState()));
        }
    }

    @Test
    void with_acknowledgments_objects_complete_and_are_deleted_only_after_a_positive_acknowledgement() throws Exception {
        s3.createBucket("acked");
        s3.put("acked", "first.jsonl", "{\"n\":1}\n");
        s3.put("acked", "second.jsonl", "{\"n\":2}\n{\"n\":3}\n");
        try (ScanSourceHarness harness = new ScanSourceHarness(gate.endpoint(), yaml(
                "aws: {region: us-east-1}",
                "acknowledgments: true",
                "delete_s3_objects_on_read: true",
                "codec: {" + TestPluginFactory.CODEC_NAME + ": {}}",
                "scan: {buckets: [{bucket: {name: acked, data_selection: data_and_metadata}}]}")).start()) {
            assertTrue(ScanSourceHarness.await(() -> harness.buffer.size() == 3, WAIT));
            Thread.sleep(300);
            assertFalse(harness.source.isFinished(), "not finished while acknowledgements are outstanding");
            assertTrue(s3.exists("acked", "first.jsonl") && s3.exists("acked", "second.jsonl"), "nothing deleted before acks");
            assertEquals(2.0, harness.gauge(S3ScanMetrics.OBJECTS_PENDING));

            for (final Event event : harness.buffer.events()) {
                event.getEventHandle().release(!"first.jsonl".equals(event.get("s3/key", String.class)));
            }
            assertTrue(ScanSourceHarness.await(() -> !s3.exists("acked", "second.jsonl"), WAIT));
            assertTrue(s3.exists("acked", "first.jsonl"), "a negatively acknowledged object is kept");
            // first.jsonl comes back after the retry backoff
            assertTrue(ScanSourceHarness.await(() -> harness.buffer.size() == 4, WAIT));
            harness.buffer.events().get(3).getEventHandle().release(true);
            assertTrue(harness.awaitFinished(WAIT));
            assertFalse(s3.exists("acked", "first.jsonl"));
            assertEquals(2.0, harness.counter(S3ScanMetrics.OBJECTS_DELETED));
            assertEquals(3.0, harness.counter(S3ScanMetrics.ACKNOWLEDGEMENT_SET_CALLBACKS));
            assertEquals(2, harness.coordinator.keysWithStatus(InMemorySourceCoordinator.Status.COMPLETED).size());
        }
    }

    @Test
    void stopping_mid_scan_and_restarting_on_the_same_store_delivers_every_object_once() throws Exception {
        s3.createBucket("many");
        final int objects = 120;
        for (int i = 0; i < objects; i++) {
            s3.put("many", String.format("obj-%03d.jsonl", i), "{\"i\":" + i + "}\n");
        }
        final String config = yaml(
                "aws: {region: us-east-1}",
                "acknowledgments: true",
                "codec: {" + TestPluginFactory.CODEC_NAME + ": {}}",
                "scan: {buckets: [{bucket: {name: many, data_selection: data_only}}]}");
        final AcknowledgingBuffer firstBuffer = new AcknowledgingBuffer();
        final InMemorySourceCoordinator<S3ObjectProgressState> store;
        try (ScanSourceHarness first = new ScanSourceHarness(gate.endpoint(), config,
                new InMemorySourceCoordinator<>(S3ObjectProgressState.class), firstBuffer).start()) {
            assertTrue(ScanSourceHarness.await(() -> firstBuffer.size() >= 30, WAIT));
            first.source.stop();
            store = first.coordinator;
            assertTrue(ScanSourceHarness.await(() -> first.acknowledgements.callbacksRun() == firstBuffer.size(), WAIT));
        }
        final int firstRun = firstBuffer.size();
        assertTrue(firstRun < objects, "stopped mid-scan: " + firstRun);

        final AcknowledgingBuffer secondBuffer = new AcknowledgingBuffer();
        try (ScanSourceHarness second = new ScanSourceHarness(gate.endpoint(), config, store.restarted(), secondBuffer).start()) {
            assertTrue(second.awaitFinished(WAIT));
        }
        final List<Integer> all = new java.util.ArrayList<>();
        firstBuffer.events().forEach(e -> all.add(e.get("i", Integer.class)));
        secondBuffer.events().forEach(e -> all.add(e.get("i", Integer.class)));
        all.sort(Integer::compare);
        assertEquals(java.util.stream.IntStream.range(0, objects).boxed().collect(Collectors.toList()), all);
        assertEquals(objects, store.keysWithStatus(InMemorySourceCoordinator.Status.COMPLETED).size());
    }

    /** A buffer whose "sink" acknowledges each event as soon as it is written. */
    private static final class AcknowledgingBuffer extends dev.mlbatch.plugins.s3source.fixtures.CollectingBuffer {
        @Override
        public void writeAll(final java.util.Collection<org.opensearch.dataprepper.model.record.Record<Event>> records,
                             final int timeoutInMillis) throws java.util.concurrent.TimeoutException {
            super.writeAll(records, timeoutInMillis);
            records.forEach(record -> record.getData().getEventHandle().release(true));
        }
    }
}
