package dev.mlbatch.plugins.sink.s3;

import dev.mlbatch.plugins.common.testing.LocalS3;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.testing.aws.StaticCredentialsSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.sink.SinkContext;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The s3 sink writing to a real S3-compatible server (s3proxy in process), reached through aws.endpointUrlS3. */
class S3SinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalS3 s3;
    private final Map<Event, Boolean> acks = new ConcurrentHashMap<>();
    private final Map<Event, Integer> objectsVisibleAtRelease = new ConcurrentHashMap<>();
    private final List<S3Sink> sinks = new ArrayList<>();
    private String bucket;
    private volatile CountDownLatch released = new CountDownLatch(0);
    private volatile boolean checkVisibility = true;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = new LocalS3();
        // The SDK's standard endpoint setting, as a user would set it for an S3-compatible store.
        System.setProperty("aws.endpointUrlS3", s3.endpoint());
    }

    @AfterAll
    static void stopS3() throws Exception {
        System.clearProperty("aws.endpointUrlS3");
        s3.close();
    }

    @BeforeEach
    void createBucket() {
        bucket = "bucket-" + System.nanoTime();
        s3.client().createBucket(b -> b.bucket(bucket));
    }

    @AfterEach
    void stopSinks() {
        sinks.forEach(S3Sink::shutdown);
    }

    private Map<String, Object> settings(final Map<String, Object> overrides) {
        final Map<String, Object> settings = new HashMap<>(Map.of(
                "bucket", bucket,
                "codec", Map.of("ndjson", Map.of()),
                "aws", Map.of("region", "us-east-1"),
                "threshold", new HashMap<>(Map.of("event_count", 10, "event_collect_timeout", "60s"))));
        settings.putAll(overrides);
        return settings;
    }

    private S3Sink sink(final Map<String, Object> overrides, final SinkContext sinkContext, final String secret) {
        final PluginSetting setting = new PluginSetting("s3", Map.of());
        setting.setPipelineName("s3-test");
        final S3Sink sink = new S3Sink(setting, TestConfigs.bind(settings(overrides)), sinkContext,
                new StaticCredentialsSupplier(LocalS3.ACCESS_KEY, secret));
        sink.initialize();
        sinks.add(sink);
        return sink;
    }

    private S3Sink sink(final Map<String, Object> overrides, final String secret) {
        return sink(overrides, new SinkContext(null), secret);
    }

    private S3Sink sink(final Map<String, Object> overrides) {
        return sink(overrides, LocalS3.SECRET_KEY);
    }

    private S3Sink sink(final Map<String, Object> overrides, final SinkContext sinkContext) {
        return sink(overrides, sinkContext, LocalS3.SECRET_KEY);
    }

    /** Events shaped like stage 1's Bedrock records: id, text, the copied recordId and modelInput. */
    private List<Record<Event>> bedrockRecords(final int count) {
        final List<Record<Event>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final Map<String, Object> data = new HashMap<>();
            data.put("_id", "doc" + i);
            data.put("text", "text " + i);
            data.put("recordId", "doc" + i);
            data.put("modelInput", Map.of("inputText", "text " + i, "dimensions", 384));
            final Event event = JacksonEvent.builder().withEventType("event").withData(data).build();
            event.getMetadata().addTags(List.of("prepared"));
            records.add(new Record<>(event));
        }
        return records;
    }

    private List<Record<Event>> events(final int from, final int count, final String pad) {
        final List<Record<Event>> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            final Event event = JacksonEvent.builder().withEventType("event").withData(Map.of("n", i, "pad", pad)).build();
            event.getEventHandle().onRelease((handle, result) -> {
                // What a reader sees at the moment the event is acknowledged.
                if (checkVisibility) {
                    objectsVisibleAtRelease.put(event, s3.client().listObjectsV2(b -> b.bucket(bucket)).contents().size());
                }
                acks.put(event, result);
                released.countDown();
            });
            records.add(new Record<>(event));
        }
        return records;
    }

    private List<S3Object> objects() {
        return s3.client().listObjectsV2(b -> b.bucket(bucket)).contents();
    }

    private byte[] read(final String key) {
        return s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    private List<JsonNode> ndjsonLines(final String key) throws Exception {
        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : new String(read(key), StandardCharsets.UTF_8).split("\n")) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    void eventCountThresholdWritesWholeNdjsonObjectsUnderTheDatedPrefix() throws Exception {
        final S3Sink sink = sink(Map.of("object_key", Map.of("path_prefix", "inputs/%{yyyy}/%{MM}/%{dd}/")));
        sink.output(events(0, 25, "x"));
        assertEquals(2, objects().size(), "two full objects of 10 events; 5 events still collecting");
        sink.shutdown();
        sinks.remove(sink);
        final List<S3Object> objects = objects();
        assertEquals(3, objects.size());
        final String today = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy/MM/dd"));
        final Set<Integer> seen = new HashSet<>();
        int lines = 0;
        for (final S3Object object : objects) {
            assertTrue(object.key().startsWith("inputs/" + today + "/events-"), object.key());
            assertTrue(object.key().endsWith(".ndjson"), object.key());
            for (final JsonNode line : ndjsonLines(object.key())) {
                seen.add(line.get("n").asInt());
                lines++;
            }
        }
        assertEquals(25, lines);
        assertEquals(25, seen.size());
        assertEquals(25, acks.values().stream().filter(v -> v).count());
        objectsVisibleAtRelease.values().forEach(visible -> assertTrue(visible > 0, "acknowledged before its object existed"));
    }

    @Test
    void jsonCodecWithGzipWritesOneJsonDocument() throws Exception {
        final S3Sink sink = sink(Map.of("codec", Map.of("json", Map.of("key_name", "docs")), "compression", "gzip"));
        sink.output(events(0, 10, "y"));
        final List<S3Object> objects = objects();
        assertEquals(1, objects.size());
        assertTrue(objects.get(0).key().endsWith(".json.gz"), objects.get(0).key());
        final byte[] plain = new GZIPInputStream(new ByteArrayInputStream(read(objects.get(0).key()))).readAllBytes();
        final JsonNode document = JSON.readTree(plain);
        assertEquals(10, document.get("docs").size());
        assertEquals(9, document.get("docs").get(9).get("n").asInt());
    }

    @Test
    void ndjsonExtensionJsonlNamesTheObjectsDotJsonl() throws Exception {
        final S3Sink sink = sink(Map.of("codec", Map.of("ndjson", Map.of("extension", "jsonl"))));
        sink.output(events(0, 10, "j"));
        final List<S3Object> objects = objects();
        assertEquals(1, objects.size());
        assertTrue(objects.get(0).key().endsWith(".jsonl"), objects.get(0).key());
        assertEquals(10, ndjsonLines(objects.get(0).key()).size());
    }

    @Test
    void ndjsonExtensionIsCaseInsensitiveAndComesBeforeTheCompressionSuffix() {
        final S3Sink sink = sink(Map.of("codec", Map.of("ndjson", Map.of("extension", "JSONL")), "compression", "gzip"));
        sink.output(events(0, 10, "j"));
        assertTrue(objects().get(0).key().endsWith(".jsonl.gz"), objects().get(0).key());
    }

    @Test
    void includeKeysWriteOnlyThoseKeys() throws Exception {
        final S3Sink sink = sink(Map.of("codec", Map.of("ndjson", Map.of("extension", "jsonl"))),
                new SinkContext(null, List.of(), List.of("recordId", "modelInput"), List.of()));
        sink.output(bedrockRecords(10));
        final List<JsonNode> lines = ndjsonLines(objects().get(0).key());
        assertEquals(10, lines.size());
        for (final JsonNode line : lines) {
            assertEquals(Set.of("recordId", "modelInput"), fieldNames(line), line.toString());
            assertEquals(line.get("recordId").asText().replace("doc", "text "), line.at("/modelInput/inputText").asText());
            assertEquals(384, line.at("/modelInput/dimensions").asInt());
        }
    }

    @Test
    void includeKeysMayNameNestedKeysAsJsonPointers() throws Exception {
        final S3Sink sink = sink(Map.of(), new SinkContext(null, List.of(), List.of("/recordId", "/modelInput/inputText"), List.of()));
        sink.output(bedrockRecords(10));
        final JsonNode line = ndjsonLines(objects().get(0).key()).get(0);
        assertEquals(Set.of("recordId", "modelInput"), fieldNames(line));
        assertEquals(Set.of("inputText"), fieldNames(line.get("modelInput")));
    }

    @Test
    void excludeKeysAndTagsTargetKeyShapeEveryDocumentOfTheJsonCodec() throws Exception {
        final S3Sink sink = sink(Map.of("codec", Map.of("json", Map.of())),
                new SinkContext("tags", List.of(), List.of(), List.of("_id", "modelInput")));
        sink.output(bedrockRecords(10));
        final JsonNode document = JSON.readTree(read(objects().get(0).key()));
        assertEquals(10, document.get("events").size());
        for (final JsonNode event : document.get("events")) {
            assertEquals(Set.of("text", "recordId", "tags"), fieldNames(event), event.toString());
            assertEquals("prepared", event.at("/tags/0").asText());
        }
    }

    private static Set<String> fieldNames(final JsonNode node) {
        final Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void eventCollectTimeoutWritesAPartialObject() throws Exception {
        final Map<String, Object> threshold = Map.of("event_count", 1000, "event_collect_timeout", "300ms");
        sink(Map.of("threshold", threshold));
        released = new CountDownLatch(3);
        sinks.get(0).output(events(0, 3, "z"));
        assertTrue(released.await(10, TimeUnit.SECONDS), "events are written and acknowledged after the timeout");
        assertEquals(1, objects().size());
        assertEquals(3, ndjsonLines(objects().get(0).key()).size());
    }

    @Test
    void maximumSizeThresholdCutsObjects() throws Exception {
        final Map<String, Object> threshold = Map.of("event_count", 1000, "event_collect_timeout", "60s", "maximum_size", "1kb");
        final S3Sink sink = sink(Map.of("threshold", threshold));
        sink.output(events(0, 8, "p".repeat(300)));
        final List<S3Object> objects = objects();
        assertEquals(2, objects.size(), "about 320 bytes per event: an object every 4 events");
        for (final S3Object object : objects) {
            assertEquals(4, ndjsonLines(object.key()).size());
        }
    }

    @Test
    void missingBucketAcknowledgesNegativelyWithoutRetrying() {
        final S3Sink sink = sink(Map.of("bucket", "no-such-bucket-" + System.nanoTime()));
        final long start = System.nanoTime();
        sink.output(events(0, 10, "x"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "a 404 is not retried with backoff");
        assertEquals(10, acks.values().stream().filter(v -> !v).count());
    }

    @Test
    void wrongSecretAcknowledgesNegatively() {
        final S3Sink sink = sink(Map.of("max_retries", 1), "wrong-secret");
        sink.output(events(0, 10, "x"));
        assertEquals(10, acks.values().stream().filter(v -> !v).count());
        assertEquals(0, objects().size());
    }

    @Test
    void workersWritingAtOnceLoseAndDuplicateNothing() throws Exception {
        final Map<String, Object> threshold = Map.of("event_count", 500, "event_collect_timeout", "60s");
        final S3Sink sink = sink(Map.of("threshold", threshold));
        checkVisibility = false;
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        final List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            final int thread = t;
            futures.add(pool.submit(() -> {
                for (int batch = 0; batch < 10; batch++) {
                    sink.output(events(thread * 100_000 + batch * 100, 100, "w"));
                }
            }));
        }
        for (final Future<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        final Set<Integer> seen = new HashSet<>();
        int lines = 0;
        for (final S3Object object : objects()) {
            for (final JsonNode line : ndjsonLines(object.key())) {
                seen.add(line.get("n").asInt());
                lines++;
            }
        }
        assertEquals(4000, lines);
        assertEquals(4000, seen.size());
        assertEquals(8, objects().size());
        assertEquals(4000, acks.values().stream().filter(v -> v).count());
    }

    /** Events as the s3 source emits them: the source object and the record's ordinal in event metadata. */
    private static List<Record<Event>> fromSource(final String sourceKey, final String etag, final int from, final int count) {
        final List<Record<Event>> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            // Insertion order, as the source's events have it (Map.of's iteration order changes from JVM to JVM).
            final Map<String, Object> data = new java.util.LinkedHashMap<>();
            data.put("n", i);
            data.put("src", sourceKey);
            final Event event = JacksonEvent.builder().withEventType("event").withData(data).build();
            event.getMetadata().setAttribute(SourceObject.BUCKET, "raw-bucket");
            event.getMetadata().setAttribute(SourceObject.KEY, sourceKey);
            event.getMetadata().setAttribute(SourceObject.ETAG, etag);
            event.getMetadata().setAttribute(SourceObject.ORDINAL, (long) i);
            records.add(new Record<>(event));
        }
        return records;
    }

    private Map<String, String> keysAndEtags() {
        final Map<String, String> result = new java.util.TreeMap<>();
        objects().forEach(o -> result.put(o.key(), o.eTag()));
        return result;
    }

    @Test
    void nameFromSourceNamesObjectsAfterTheirSourceSoARerunRewritesTheSameObjects() throws Exception {
        final Map<String, Object> options = Map.of("object_key", Map.of("path_prefix", "input/", "name_from_source", true),
                "compression", "gzip");
        for (int run = 0; run < 2; run++) {
            final S3Sink sink = sink(options);
            // Two source objects interleaved, as two source workers would send them, plus an event from elsewhere.
            sink.output(fromSource("raw/corpus.jsonl.gz", "etag-a", 0, 7));
            sink.output(fromSource("raw/other.jsonl", "etag-b", 0, 3));
            sink.output(fromSource("raw/corpus.jsonl.gz", "etag-a", 7, 16));
            sink.output(events(0, 2, "plain"));
            sink.shutdown();
            sinks.remove(sink);
        }
        final Map<String, String> afterTwoRuns = keysAndEtags();
        final List<String> sourceNamed = afterTwoRuns.keySet().stream().filter(k -> !k.startsWith("input/events-")).toList();
        final String a = "input/corpus-" + hashOf("raw-bucket", "raw/corpus.jsonl.gz", "etag-a");
        final String b = "input/other-" + hashOf("raw-bucket", "raw/other.jsonl", "etag-b");
        // corpus: 23 records in objects of 10 starting at records 0, 10, 20; other: one object from record 0.
        assertEquals(List.of(a + "-0000000000.ndjson.gz", a + "-0000000010.ndjson.gz", a + "-0000000020.ndjson.gz",
                b + "-0000000000.ndjson.gz"), sourceNamed);
        assertEquals(2, afterTwoRuns.size() - sourceNamed.size(), "the events without a source: usual names, one object per run");
        final byte[] third = new GZIPInputStream(new ByteArrayInputStream(read(a + "-0000000020.ndjson.gz"))).readAllBytes();
        assertEquals("{\"n\":20,\"src\":\"raw/corpus.jsonl.gz\"}\n{\"n\":21,\"src\":\"raw/corpus.jsonl.gz\"}\n"
                + "{\"n\":22,\"src\":\"raw/corpus.jsonl.gz\"}\n", new String(third, StandardCharsets.UTF_8));

        // A third run with the same input gives the same ETags (same bytes); a changed source object new names.
        final S3Sink again = sink(options);
        again.output(fromSource("raw/corpus.jsonl.gz", "etag-a", 0, 23));
        again.output(fromSource("raw/other.jsonl", "etag-b2", 0, 3));
        again.shutdown();
        sinks.remove(again);
        final Map<String, String> afterThree = keysAndEtags();
        for (final String key : sourceNamed) {
            assertEquals(afterTwoRuns.get(key), afterThree.get(key), key);
        }
        assertTrue(afterThree.containsKey("input/other-" + hashOf("raw-bucket", "raw/other.jsonl", "etag-b2") + "-0000000000.ndjson.gz"));
        assertEquals(afterTwoRuns.size() + 1, afterThree.size());
    }

    @Test
    void nameFromSourceWritesTheLastPartialObjectOnlyOnceItsSourceWentQuiet() throws Exception {
        final S3Sink sink = sink(Map.of("object_key", Map.of("name_from_source", true),
                "threshold", Map.of("event_count", 10, "event_collect_timeout", "300ms")));
        sink.output(fromSource("raw/slow.jsonl", "e", 0, 4));
        // Events keep coming more often than the timeout: the object stays open although its first event is older.
        for (int i = 4; i < 8; i++) {
            Thread.sleep(150);
            sink.output(fromSource("raw/slow.jsonl", "e", i, 1));
        }
        assertEquals(0, objects().size(), "a source object still sending must not be cut by the timeout");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (objects().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of("slow-" + hashOf("raw-bucket", "raw/slow.jsonl", "e") + "-0000000000.ndjson"),
                objects().stream().map(S3Object::key).toList());
        assertEquals(8, ndjsonLines(objects().get(0).key()).size());
    }

    @Test
    void nameFromSourceRefusesDatePatternsAndNamesKeysReadably() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sink(Map.of("object_key",
                Map.of("path_prefix", "in/%{yyyy}/", "name_from_source", true)))).getMessage()
                .contains("name_from_source: true cannot be combined with date patterns"));
        assertEquals("corpus", SourceObject.baseName("a/b/corpus.jsonl"));
        assertEquals("corpus.v2", SourceObject.baseName("corpus.v2.jsonl.gz"));
        assertEquals("my_file_", SourceObject.baseName("x/my file?"));
        assertEquals("object.hidden", SourceObject.baseName("x/.hidden"));
    }

    private static String hashOf(final String bucket, final String key, final String etag) throws Exception {
        final java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        for (final String field : new String[]{bucket, key, etag}) {
            final byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            sha.update(bytes);
        }
        return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    }

    @Test
    void badCodecAndPrefixAreConfigurationErrors() {
        assertTrue(assertThrows(InvalidPluginConfigurationException.class,
                () -> sink(Map.of("codec", Map.of("parquet", Map.of())))).getMessage().contains("codec 'parquet' is not supported"));
        assertTrue(assertThrows(InvalidPluginConfigurationException.class,
                () -> sink(Map.of("codec", Map.of("ndjson", Map.of("extension", "txt"))))).getMessage()
                .contains("codec.ndjson.extension 'txt' is not supported; use ndjson or jsonl"));
        assertTrue(assertThrows(InvalidPluginConfigurationException.class,
                () -> sink(Map.of("codec", Map.of("ndjson", Map.of("key_name", "x"))))).getMessage()
                .contains("codec.ndjson does not accept [key_name]"));
        assertTrue(assertThrows(InvalidPluginConfigurationException.class,
                () -> sink(Map.of("object_key", Map.of("path_prefix", "a/${/type}/")))).getMessage()
                .contains("date patterns %{...} only"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> sink(Map.of("buffer_type", "local_file"))).getMessage().contains("buffer_type 'local_file' is not supported"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> sink(Map.of("threshold", Map.of("event_collect_timeout", "5s")))).getMessage()
                .contains("threshold.event_count is required"));
    }
}
