package dev.mlbatch.plugins.s3enrich;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlbatch.expression.GrammarExpressionEvaluator;
import dev.mlbatch.plugins.s3enrich.config.S3EnrichProcessorConfig;
import dev.mlbatch.runtime.config.ConfigLocation;
import dev.mlbatch.runtime.plugin.PluginConfigBinder;
import dev.mlbatch.stack.s3.S3Server;
import dev.mlbatch.testing.aws.StaticCredentialsSupplier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.event.DefaultEventKeyFactory;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.record.Record;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The processor against the project's local S3 server (local-stack's s3proxy, filesystem store), with Bedrock-shaped
 * outputs ({@code recordId}, {@code modelInput}, {@code modelOutput}) joined to the raw documents ({@code _id},
 * {@code text}, ...) and to the batch input files, through the real ndjson codec and the real expression language.
 */
class S3EnrichProcessorTest {
    private static final String ACCESS_KEY = "AKIAS3ENRICHTEST0001";
    private static final String SECRET_KEY = "s3-enrich-test-secret";
    private static final String BUCKET = "mlbatch";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger PIPELINES = new AtomicInteger();
    /** The s3 sink's name_from_source names: <raw name>-<12 hex>-<10-digit ordinal>. */
    private static final String INPUT_NAME = "corpus-0a1b2c3d4e5f-0000000000.jsonl";
    private static final String TO_RAW = """
            bucket: { name: mlbatch, filter: { include_prefix: bedrock/raw/ } }
            aws: { region: us-east-1 }
            codec: { ndjson: {} }
            s3_object_name_pattern: '^(.*)-[0-9a-f]{12}-[0-9]{10}\\.jsonl\\.out$'
            correlation_keys: [ recordId ]
            source_correlation_key: _id
            keys_to_merge: [ text, lemma, pos ]
            tags_on_failure: [ not_enriched ]
            """;

    @TempDir
    static Path storage;
    private static S3Server server;
    private static S3Client s3;
    private static SimpleMeterRegistry registry;

    private final List<S3EnrichProcessor> processors = new ArrayList<>();
    private String pipeline;

    @BeforeAll
    static void startS3() throws Exception {
        server = S3Server.start(storage.resolve("s3"), 0, ACCESS_KEY, SECRET_KEY);
        System.setProperty("aws.endpointUrlS3", server.endpoint());
        s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).httpClient(ApacheHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
        s3.createBucket(b -> b.bucket(BUCKET));
        put("bedrock/raw/corpus.jsonl", """
                {"_id":"wnv02586619","text":"govern, rule: exercise authority over; as of nations","lemma":"govern","pos":"v","tag_count":12}
                {"_id":7,"text":"seven: the cardinal number","lemma":"seven","pos":"n"}
                {"_id":"wnn07527352","text":"joy: the emotion of great happiness","lemma":"joy"}
                {"text":"a record without an _id is skipped"}
                """);
        put("bedrock/input/" + INPUT_NAME, """
                {"recordId":"wnv02586619","modelInput":{"inputText":"govern, rule: exercise authority over; as of nations"}}
                {"recordId":"7","modelInput":{"inputText":"seven: the cardinal number"}}
                """);
        registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry);
    }

    @AfterAll
    static void stopS3() throws Exception {
        System.clearProperty("aws.endpointUrlS3");
        Metrics.removeRegistry(registry);
        s3.close();
        server.close();
    }

    @AfterEach
    void shutDown() {
        processors.forEach(S3EnrichProcessor::shutdown);
    }

    private static void put(final String key, final String content) {
        put(key, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void put(final String key, final byte[] content) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
    }

    private S3EnrichProcessor processor(final String yaml) throws Exception {
        final Map<String, Object> settings = new YAMLMapper().readValue(yaml, new TypeReference<LinkedHashMap<String, Object>>() {
        });
        final S3EnrichProcessorConfig config = new PluginConfigBinder(new DefaultEventKeyFactory()).bind(
                S3EnrichProcessorConfig.class, settings, ConfigLocation.ofFile(Path.of("pipelines.yaml")).pipeline("p").plugin("s3_enrich"));
        pipeline = "enrich-test-" + PIPELINES.incrementAndGet();
        final S3EnrichProcessor processor = new S3EnrichProcessor(config, PluginMetrics.fromNames("s3_enrich", pipeline),
                new StaticCredentialsSupplier(ACCESS_KEY, SECRET_KEY), new GrammarExpressionEvaluator(new DefaultEventKeyFactory()),
                new NdjsonCodecFactory());
        processors.add(processor);
        return processor;
    }

    private double count(final String metric) {
        final Counter counter = registry.find(pipeline + ".s3_enrich." + metric).counter();
        return counter == null ? 0 : counter.count();
    }

    /** A Bedrock output record as our s3 source emits it in data_only mode: the line, and the object key in metadata. */
    private static Record<Event> output(final String outputKey, final String line) throws Exception {
        final Event event = JacksonEvent.builder().withEventType("event")
                .withData(JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() {
                })).build();
        if (outputKey != null) {
            event.getMetadata().setAttribute(S3EnrichProcessor.S3_KEY_METADATA, outputKey);
        }
        return new Record<>(event);
    }

    private static Record<Event> bedrockOutput(final String outputKey, final Object recordId) throws Exception {
        return output(outputKey, JSON.writeValueAsString(Map.of("recordId", recordId,
                "modelInput", Map.of("inputText", "echoed input"),
                "modelOutput", Map.of("embedding", List.of(0.25, -0.5, 0.125), "inputTextTokenCount", 3))));
    }

    private static List<Event> run(final S3EnrichProcessor processor, final List<Record<Event>> batch) {
        final List<Event> out = new ArrayList<>();
        processor.execute(batch).forEach(r -> out.add(r.getData()));
        return out;
    }

    @Test
    void bedrockOutputsAreJoinedToTheirRawDocumentsAndARecordWithoutAMatchIsTaggedCountedAndPassedOn() throws Exception {
        final S3EnrichProcessor processor = processor(TO_RAW);
        final String outputKey = "bedrock/output/job-1/" + INPUT_NAME + ".out";
        final List<Event> events = run(processor, List.of(
                bedrockOutput(outputKey, "wnv02586619"),
                bedrockOutput(outputKey, "not-in-the-corpus"),
                bedrockOutput(outputKey, "7"),
                bedrockOutput(outputKey, "wnn07527352")));

        assertEquals(4, events.size(), "nothing is dropped");
        final Event govern = events.get(0);
        assertEquals("govern, rule: exercise authority over; as of nations", govern.get("text", String.class));
        assertEquals("govern", govern.get("lemma", String.class));
        assertEquals("v", govern.get("pos", String.class));
        assertNull(govern.get("tag_count", Object.class), "only keys_to_merge are copied");
        assertEquals(List.of(0.25, -0.5, 0.125), govern.get("modelOutput/embedding", List.class), "the vector is untouched");
        assertTrue(govern.getMetadata().getTags().isEmpty());

        final Event unmatched = events.get(1);
        assertEquals(Set.of("not_enriched"), unmatched.getMetadata().getTags());
        assertNull(unmatched.get("text", Object.class));
        assertEquals(List.of(0.25, -0.5, 0.125), unmatched.get("modelOutput/embedding", List.class), "its data is kept");

        assertEquals("seven: the cardinal number", events.get(2).get("text", String.class),
                "an integer _id matches the string recordId Bedrock writes");
        assertEquals("joy", events.get(3).get("lemma", String.class));
        assertNull(events.get(3).get("pos", Object.class), "a key the source record lacks is left alone");

        assertEquals(3, count(S3EnrichProcessor.NUMBER_OF_RECORDS_ENRICHED_SUCCESS));
        assertEquals(1, count(S3EnrichProcessor.NUMBER_OF_RECORDS_ENRICHED_FAILED));
        assertEquals(1, count(S3EnrichProcessor.RECORDS_WITHOUT_MATCH));
        assertEquals(1, count("s3ObjectsSucceeded"));
        final Gauge cached = registry.find(pipeline + ".s3_enrich." + S3EnrichProcessor.CACHED_SOURCE_RECORDS).gauge();
        assertEquals(3, cached.value(), "three source records have an _id");
    }

    @Test
    void aSourceObjectIsReadOnceForAllTheOutputsThatMapToIt() throws Exception {
        final S3EnrichProcessor processor = processor(TO_RAW);
        run(processor, List.of(bedrockOutput("bedrock/output/job-1/" + INPUT_NAME + ".out", "wnv02586619")));
        final List<Event> second = run(processor, List.of(
                bedrockOutput("bedrock/output/job-2/corpus-0a1b2c3d4e5f-0000000500.jsonl.out", "7")));
        assertEquals("seven", second.get(0).get("lemma", String.class));
        assertEquals(1, count("s3ObjectsSucceeded"), "two output objects, two batches, one read of corpus.jsonl");
        assertEquals(2, count(S3EnrichProcessor.NUMBER_OF_RECORDS_ENRICHED_SUCCESS));
    }

    @Test
    void aMissingSourceObjectFailsItsEventsWithOneReadPerBatch() throws Exception {
        final S3EnrichProcessor processor = processor(TO_RAW);
        final String outputKey = "bedrock/output/job-3/gone-0a1b2c3d4e5f-0000000000.jsonl.out";
        final List<Event> events = run(processor, List.of(bedrockOutput(outputKey, "a"), bedrockOutput(outputKey, "b"),
                bedrockOutput("bedrock/output/job-1/" + INPUT_NAME + ".out", "wnv02586619")));
        assertEquals(3, events.size());
        assertEquals(Set.of("not_enriched"), events.get(0).getMetadata().getTags());
        assertEquals(Set.of("not_enriched"), events.get(1).getMetadata().getTags());
        assertEquals("govern", events.get(2).get("lemma", String.class), "other objects' events are enriched");
        assertEquals(1, count("s3ObjectsNotFound"), "a missing object is asked for once per batch");
        assertEquals(2, count(S3EnrichProcessor.NUMBER_OF_RECORDS_ENRICHED_FAILED));
        assertEquals(0, count(S3EnrichProcessor.RECORDS_WITHOUT_MATCH), "not a missing record: a missing object");

        put("bedrock/raw/gone.jsonl", "{\"_id\":\"a\",\"text\":\"it arrived\"}\n");
        final List<Event> later = run(processor, List.of(bedrockOutput(outputKey, "a")));
        assertEquals("it arrived", later.get(0).get("text", String.class), "a failed read is not cached");
        assertTrue(later.get(0).getMetadata().getTags().isEmpty());
    }

    @Test
    void mergeAllKeysCopiesEveryFieldOfTheRawDocumentButItsId() throws Exception {
        final S3EnrichProcessor processor = processor(TO_RAW.replace("keys_to_merge: [ text, lemma, pos ]", "merge_all_keys: true"));
        final String outputKey = "bedrock/output/job-1/" + INPUT_NAME + ".out";
        final List<Event> events = run(processor, List.of(bedrockOutput(outputKey, "wnv02586619"), bedrockOutput(outputKey, "7"),
                bedrockOutput(outputKey, "absent")));
        final Event govern = events.get(0);
        assertEquals("govern, rule: exercise authority over; as of nations", govern.get("text", String.class));
        assertEquals("govern", govern.get("lemma", String.class));
        assertEquals("v", govern.get("pos", String.class));
        assertEquals(12, govern.get("tag_count", Integer.class), "a field no key names is merged too");
        assertNull(govern.get("_id", Object.class), "the source correlation key is not merged: the event has it as recordId");
        assertEquals("wnv02586619", govern.get("recordId", String.class));
        assertEquals(List.of(0.25, -0.5, 0.125), govern.get("modelOutput/embedding", List.class));
        assertEquals("seven", events.get(1).get("lemma", String.class));
        assertNull(events.get(1).get("tag_count", Object.class), "only the fields this record has");
        assertEquals(Set.of("not_enriched"), events.get(2).getMetadata().getTags());
        assertEquals(2, count(S3EnrichProcessor.NUMBER_OF_RECORDS_ENRICHED_SUCCESS));
        assertEquals(1, count(S3EnrichProcessor.NUMBER_OF_RECORDS_ENRICHED_FAILED));
    }

    @Test
    void withMergeAllKeysASourceFieldThatCannotBeAnEventKeyFailsOnlyItsEvent() throws Exception {
        put("bedrock/raw/odd.jsonl", """
                {"_id":"slash","text":"a field with a slash","a/b":1}
                {"_id":"fine","text":"plain fields"}
                """);
        final S3EnrichProcessor processor = processor(TO_RAW.replace("keys_to_merge: [ text, lemma, pos ]", "merge_all_keys: true"));
        final String outputKey = "bedrock/output/job-9/odd-0a1b2c3d4e5f-0000000000.jsonl.out";
        final List<Event> events = run(processor, List.of(bedrockOutput(outputKey, "slash"), bedrockOutput(outputKey, "fine")));
        assertEquals(Set.of("not_enriched"), events.get(0).getMetadata().getTags());
        assertNull(events.get(0).get("text", Object.class), "nothing is merged into an event that fails");
        assertEquals("plain fields", events.get(1).get("text", String.class));
        assertTrue(events.get(1).getMetadata().getTags().isEmpty());
    }

    @Test
    void aLineOfTheSourceObjectThatIsNotJsonCostsOnlyItsOwnRecord() throws Exception {
        put("bedrock/raw/mixed.jsonl", """
                {"_id":"before","text":"a record above the bad line"}
                this line is not JSON
                {"_id":"after","text":"a record below the bad line"}
                """);
        final S3EnrichProcessor processor = processor(TO_RAW.replace("keys_to_merge: [ text, lemma, pos ]", "merge_all_keys: true"));
        final String outputKey = "bedrock/output/job-8/mixed-0a1b2c3d4e5f-0000000000.jsonl.out";
        final List<Event> events = run(processor, List.of(bedrockOutput(outputKey, "before"), bedrockOutput(outputKey, "after"),
                bedrockOutput(outputKey, "absent")));
        assertEquals("a record above the bad line", events.get(0).get("text", String.class));
        assertEquals("a record below the bad line", events.get(1).get("text", String.class),
                "the codec skipped the bad line and read on; what it read is joined");
        assertTrue(events.get(1).getMetadata().getTags().isEmpty());
        assertEquals(Set.of("not_enriched"), events.get(2).getMetadata().getTags());
        assertEquals(2, count(S3EnrichProcessor.NUMBER_OF_RECORDS_ENRICHED_SUCCESS));
        assertEquals(1, count(S3EnrichProcessor.NUMBER_OF_RECORDS_ENRICHED_FAILED));
    }

    @Test
    void outputsAreJoinedToTheirBatchInputFileByTheDefaultNameMapping() throws Exception {
        final S3EnrichProcessor processor = processor("""
                bucket: { name: mlbatch, filter: { include_prefix: bedrock/input/ } }
                aws: { region: us-east-1 }
                codec: { ndjson: {} }
                correlation_keys: [ recordId ]
                keys_to_merge: [ modelInput/inputText ]
                """);
        final Record<Event> noInput = output("bedrock/output/job-1/" + INPUT_NAME + ".out",
                "{\"recordId\":\"7\",\"modelOutput\":{\"embedding\":[1.0]}}");
        final Event event = run(processor, List.of(noInput)).get(0);
        assertEquals("seven: the cardinal number", event.get("modelInput/inputText", String.class));
        assertEquals(List.of(1.0), event.get("modelOutput/embedding", List.class));
    }

    @Test
    void theOutputKeyComesFromS3KeyPathAndEnrichWhenSelectsTheEvents() throws Exception {
        final S3EnrichProcessor processor = processor(TO_RAW + """
                s3_key_path: s3/key
                enrich_when: '/s3/key != null'
                """);
        final Record<Event> withKey = output(null, "{\"recordId\":\"wnn07527352\",\"s3\":{\"bucket\":\"mlbatch\",\"key\":\"bedrock/output/j/"
                + INPUT_NAME + ".out\"}}");
        final Record<Event> notSelected = output("bedrock/output/j/" + INPUT_NAME + ".out", "{\"recordId\":\"wnn07527352\"}");
        final List<Event> events = run(processor, List.of(withKey, notSelected));
        assertEquals("joy", events.get(0).get("lemma", String.class));
        assertNull(events.get(1).get("lemma", Object.class), "enrich_when is false: passed on untouched");
        assertTrue(events.get(1).getMetadata().getTags().isEmpty());
        assertEquals(1, count(S3EnrichProcessor.NUMBER_OF_RECORDS_ENRICHED_SUCCESS));
        assertEquals(0, count(S3EnrichProcessor.NUMBER_OF_RECORDS_ENRICHED_FAILED));
    }

    @Test
    void eventsThatNameNoSourceAreTaggedAndPassedOn() throws Exception {
        final S3EnrichProcessor processor = processor(TO_RAW);
        final List<Event> events = run(processor, List.of(
                bedrockOutput(null, "wnv02586619"),                                      // no s3_key metadata
                bedrockOutput("bedrock/output/job-1/manifest.json.out", "wnv02586619"),   // pattern does not match
                output("bedrock/output/job-1/" + INPUT_NAME + ".out", "{\"recordId\":[1]}"), // no usable value
                output("bedrock/output/job-1/" + INPUT_NAME + ".out", "{\"error\":\"x\"}")));
        for (final Event event : events) {
            assertEquals(Set.of("not_enriched"), event.getMetadata().getTags(), event.toJsonString());
        }
        assertEquals(4, count(S3EnrichProcessor.NUMBER_OF_RECORDS_ENRICHED_FAILED));
        assertEquals(0, count(S3EnrichProcessor.RECORDS_WITHOUT_MATCH));
        assertEquals(0, count("s3ObjectsSucceeded") + count("s3ObjectsFailed") + count("s3ObjectsNotFound"),
                "no source object is read for events that cannot name a record");
    }

    @Test
    void aSourceObjectOverTheSizeLimitIsNotReadAndAGzipOneIsReadWithAutomatic() throws Exception {
        final S3EnrichProcessor limited = processor(TO_RAW + "s3_object_size_limit: 100b\n");
        final Event tooLarge = run(limited, List.of(bedrockOutput("bedrock/output/j/" + INPUT_NAME + ".out", "7"))).get(0);
        assertEquals(Set.of("not_enriched"), tooLarge.getMetadata().getTags());
        assertEquals(1, count("s3ObjectsFailed"));

        final ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write("{\"_id\":\"z1\",\"text\":\"zipped\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        put("gz/zipped.jsonl.gz", gz.toByteArray());
        final S3EnrichProcessor automatic = processor("""
                bucket: { name: mlbatch, filter: { include_prefix: gz/ } }
                aws: { region: us-east-1 }
                codec: { ndjson: {} }
                compression: automatic
                correlation_keys: [ recordId ]
                source_correlation_key: _id
                keys_to_merge: [ text ]
                """);
        final Event zipped = run(automatic, List.of(bedrockOutput("out/zipped.jsonl.gz.out", "z1"))).get(0);
        assertEquals("zipped", zipped.get("text", String.class));
        assertTrue(zipped.getMetadata().getTags().isEmpty());
    }

    @Test
    void aBadConditionOrKeyStopsStartUpNamingTheOption() {
        final InvalidPluginConfigurationException condition = assertThrows(InvalidPluginConfigurationException.class,
                () -> processor(TO_RAW + "enrich_when: '/s3/key =='\n"));
        assertTrue(condition.getMessage().contains("enrich_when"), condition.getMessage());
        final InvalidPluginConfigurationException key = assertThrows(InvalidPluginConfigurationException.class,
                () -> processor(TO_RAW.replace("keys_to_merge: [ text, lemma, pos ]", "keys_to_merge: [ 'te xt!' ]")));
        assertTrue(key.getMessage().contains("keys_to_merge") && key.getMessage().contains("te xt!"), key.getMessage());
        assertFalse(key.getMessage().isBlank());
    }
}
