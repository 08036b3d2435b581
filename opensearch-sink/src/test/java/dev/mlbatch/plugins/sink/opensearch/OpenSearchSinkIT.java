package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import dev.mlbatch.testing.aws.StaticCredentialsSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.sink.SinkContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sink against the real local OpenSearch 2.19.1 node (k-NN plugin) and its SigV4 gateway, from local-stack. */
@ExtendWith(LocalStackExtension.class)
class OpenSearchSinkIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path KNN_V1 = Path.of("src/test/resources/templates/knn-v1.json").toAbsolutePath();
    private static final Path KNN_COMPOSABLE = Path.of("src/test/resources/templates/knn-composable.json").toAbsolutePath();

    @TempDir
    Path dir;
    private final LocalStack stack;
    private final NodeProbe node;
    private final List<OpenSearchSink> sinks = new ArrayList<>();
    private String index;

    OpenSearchSinkIT(final LocalStack stack) {
        this.stack = stack;
        this.node = new NodeProbe(stack.openSearchUrl());
    }

    @BeforeEach
    void uniqueIndex() {
        index = "sink-it-" + Long.toString(System.nanoTime(), 36).toLowerCase(Locale.ROOT);
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (final OpenSearchSink sink : sinks) {
            sink.shutdown();
        }
        node.delete("/" + index + "*");
        node.delete("/_template/" + index + "*");
        node.delete("/_index_template/" + index + "*");
    }

    private OpenSearchSink sink(final Map<String, Object> overrides, final StaticCredentialsSupplier credentials) {
        final Map<String, Object> settings = new HashMap<>(Map.of("hosts", List.of(stack.openSearchUrl()), "index", index,
                "dlq_file", dir.resolve("dlq.ndjson").toString(), "flush_timeout", -1));
        settings.putAll(overrides);
        final OpenSearchSink sink = new OpenSearchSink(TestEvents.setting("it"), TestConfigs.bind(settings),
                new SinkContext(null), null, credentials);
        sinks.add(sink);
        return sink;
    }

    private OpenSearchSink sink(final Map<String, Object> overrides) {
        return sink(overrides, null);
    }

    private static List<Map<String, Object>> vectorDocs(final int count) {
        final List<Map<String, Object>> docs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            docs.add(Map.of("id", "doc-" + i, "text", "document number " + i, "n", i, "vector", Vectors.unit(i, 384)));
        }
        return docs;
    }

    private List<String> dlqLines() throws Exception {
        final Path dlq = dir.resolve("dlq.ndjson");
        return Files.exists(dlq) ? Files.readAllLines(dlq) : List.of();
    }

    @Test
    void knnTemplateIsInstalledDocumentsAreSearchableAndAReplayLeavesOneCopy() throws Exception {
        final Map<String, Object> settings = Map.of("template_file", KNN_V1.toString(), "document_id", "${/id}", "bulk_size", 1);
        final OpenSearchSink first = sink(settings);
        first.initialize();
        assertTrue(first.isReady());
        final TestEvents events = new TestEvents();
        first.output(events.records(vectorDocs(300)));
        assertEquals(300, events.count(true));
        assertEquals(300, node.count(index));

        final JsonNode mapping = node.call("GET", "/" + index + "/_mapping", null).body();
        assertEquals("knn_vector", mapping.at("/" + index + "/mappings/properties/vector/type").asText());
        assertEquals(384, mapping.at("/" + index + "/mappings/properties/vector/dimension").asInt());
        assertEquals(200, node.call("GET", "/_template/" + index + "-index-template", null).status());

        final OpenSearchSink replay = sink(settings);
        replay.initialize();
        final TestEvents again = new TestEvents();
        replay.output(again.records(vectorDocs(300)));
        assertEquals(300, again.count(true));
        assertEquals(300, node.count(index), "document_id makes the replay overwrite, not duplicate");

        final String query = "{\"size\":1,\"query\":{\"knn\":{\"vector\":{\"vector\":" + JSON.writeValueAsString(Vectors.unit(42, 384))
                + ",\"k\":3}}}}";
        final JsonNode hits = node.call("POST", "/" + index + "/_search", query).body().at("/hits/hits");
        assertEquals("doc-42", hits.get(0).get("_id").asText());
        assertTrue(dlqLines().isEmpty());
    }

    @Test
    void composableTemplateAppliesToDatedIndices() throws Exception {
        final OpenSearchSink sink = sink(Map.of("index", index + "-%{yyyy.MM.dd}", "template_type", "index-template",
                "template_file", KNN_COMPOSABLE.toString()));
        sink.initialize();
        final TestEvents events = new TestEvents();
        sink.output(events.records(vectorDocs(20)));
        final String dated = index + "-" + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy.MM.dd"));
        assertEquals(20, node.count(dated));
        assertEquals(200, node.call("GET", "/_index_template/" + index + "-index-template", null).status());
        assertEquals("knn_vector", node.call("GET", "/" + dated + "/_mapping", null).body()
                .at("/" + dated + "/mappings/properties/vector/type").asText());
    }

    @Test
    void existingIndexWithConflictingMappingStopsStartUpWithTheFieldNamed() throws Exception {
        assertEquals(200, node.call("PUT", "/" + index,
                "{\"mappings\":{\"properties\":{\"vector\":{\"type\":\"float\"}}}}").status());
        final OpenSearchSink sink = sink(Map.of("template_file", KNN_V1.toString()));
        final InvalidPluginConfigurationException e = assertThrows(InvalidPluginConfigurationException.class, sink::initialize);
        assertTrue(e.getMessage().contains("field 'vector' is 'float' in the index but 'knn_vector' in the template"), e.getMessage());
        assertFalse(sink.isReady());
    }

    @Test
    void documentsThatDoNotFitTheMappingAreDeadLetteredAndTheRestIndexed() throws Exception {
        final OpenSearchSink sink = sink(Map.of("template_file", KNN_V1.toString(), "document_id", "${/id}"));
        sink.initialize();
        final TestEvents events = new TestEvents();
        final List<Record<Event>> records = events.records(List.of(
                Map.of("id", "good", "n", 1),
                Map.of("id", "bad-number", "n", "not a number"),
                Map.of("id", "bad-vector", "vector", List.of(1.0, 2.0))));
        sink.output(records);
        assertEquals(Boolean.TRUE, events.acknowledgements.get(records.get(0).getData()));
        assertEquals(Boolean.FALSE, events.acknowledgements.get(records.get(1).getData()));
        assertEquals(Boolean.FALSE, events.acknowledgements.get(records.get(2).getData()));
        assertEquals(1, node.count(index));
        final List<String> lines = dlqLines();
        assertEquals(2, lines.size());
        final JsonNode number = JSON.readTree(lines.get(0));
        assertEquals(400, number.at("/failedData/status").asInt());
        assertEquals("bad-number", number.at("/failedData/indexId").asText());
        assertTrue(number.at("/failedData/message").asText().startsWith("mapper_parsing_exception"), number.toString());
        assertEquals("not a number", number.at("/failedData/document/n").asText());
        assertTrue(JSON.readTree(lines.get(1)).at("/failedData/message").asText().contains("dimension"), lines.get(1));
    }

    @Test
    void documentLargerThanBulkSizeIsSentAloneAndIndexed() throws Exception {
        final OpenSearchSink sink = sink(Map.of("bulk_size", 1, "document_id", "${/id}"));
        sink.initialize();
        final TestEvents events = new TestEvents();
        final String big = "word ".repeat(300_000);
        sink.output(events.records(List.of(Map.of("id", "a", "text", "small"), Map.of("id", "big", "text", big),
                Map.of("id", "c", "text", "small"))));
        assertEquals(3, events.count(true));
        assertEquals(3, node.count(index));
        assertEquals(big.length(), node.document(index, "big").at("/_source/text").asText().length());
    }

    @Test
    void updateUpsertAndDeleteActOnTheStoredDocument() throws Exception {
        final OpenSearchSink sink = sink(Map.of("document_id", "${/id}", "action", "${/op}"));
        sink.initialize();
        final TestEvents events = new TestEvents();
        sink.output(events.records(List.of(Map.of("id", "1", "op", "upsert", "a", 1),
                Map.of("id", "1", "op", "update", "b", 2), Map.of("id", "2", "op", "create", "a", 3),
                Map.of("id", "2", "op", "delete"))));
        assertEquals(4, events.count(true));
        final JsonNode doc = node.document(index, "1").get("_source");
        assertEquals(1, doc.get("a").asInt());
        assertEquals(2, doc.get("b").asInt());
        assertFalse(node.document(index, "2").get("found").asBoolean());
        final TestEvents missing = new TestEvents();
        sink.output(missing.records(List.of(Map.of("id", "404", "op", "update", "a", 1))));
        assertEquals(1, missing.count(false), "update of a missing document is dead-lettered");
        assertTrue(dlqLines().get(0).contains("document_missing_exception"), dlqLines().get(0));
    }

    @Test
    void sigV4ThroughTheGatewayForEsAndAoss() throws Exception {
        final StaticCredentialsSupplier credentials = new StaticCredentialsSupplier(stack.accessKeyId(), stack.secretAccessKey());
        final Map<String, Object> es = Map.of("hosts", List.of(stack.gatewayUrl()), "aws", Map.of("region", stack.region()),
                "template_file", KNN_V1.toString());
        final OpenSearchSink esSink = sink(es, credentials);
        esSink.initialize();
        assertTrue(esSink.isReady(), "es-signed info, template and index calls pass the gateway");
        final TestEvents events = new TestEvents();
        esSink.output(events.records(vectorDocs(10)));
        assertEquals(10, events.count(true));

        final Map<String, Object> aoss = Map.of("hosts", List.of(stack.gatewayUrl()),
                "aws", Map.of("region", stack.region(), "serverless", true));
        final OpenSearchSink aossSink = sink(aoss, credentials);
        aossSink.initialize();
        final TestEvents more = new TestEvents();
        aossSink.output(more.records(vectorDocs(5)));
        assertEquals(5, more.count(true));
        assertEquals(15, node.count(index));
    }

    @Test
    void wrongCredentialsAreRefusedWith403() throws Exception {
        final StaticCredentialsSupplier wrong = new StaticCredentialsSupplier(stack.accessKeyId(), "wrong-secret-key");
        final OpenSearchSink esSink = sink(Map.of("hosts", List.of(stack.gatewayUrl()), "aws", Map.of("region", stack.region())), wrong);
        try (LogCapture log = new LogCapture(OpenSearchSink.class)) {
            esSink.initialize();
            assertFalse(esSink.isReady());
            assertTrue(log.messages().stream().anyMatch(m -> m.contains("HTTP 403")), log.messages().toString());
        }
        final OpenSearchSink aossSink = sink(Map.of("hosts", List.of(stack.gatewayUrl()),
                "aws", Map.of("region", stack.region(), "serverless", true)), wrong);
        aossSink.initialize();
        final TestEvents events = new TestEvents();
        aossSink.output(events.records(vectorDocs(2)));
        assertEquals(2, events.count(false));
        assertTrue(dlqLines().get(0).contains("\"status\":403"), dlqLines().get(0));
    }
}
