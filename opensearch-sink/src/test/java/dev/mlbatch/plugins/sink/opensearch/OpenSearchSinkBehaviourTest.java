package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.sink.SinkContext;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sink behaviour against a local HTTP server that plays OpenSearch's bulk API (one class under test: the sink). */
class OpenSearchSinkBehaviourTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<OpenSearchSink> sinks = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (final OpenSearchSink sink : sinks) {
            sink.shutdown();
        }
        for (final AutoCloseable c : closeables) {
            c.close();
        }
    }

    private LocalHttpServer server(final Function<CapturedRequest, LocalHttpServer.Answer> bulk) throws Exception {
        final LocalHttpServer server = new LocalHttpServer(request -> request.rawPathAndQuery().startsWith("/_bulk")
                ? bulk.apply(request) : new LocalHttpServer.Answer(200, LocalHttpServer.INFO));
        closeables.add(server);
        return server;
    }

    private OpenSearchSink sink(final Map<String, Object> overrides) {
        final Map<String, Object> settings = new HashMap<>(Map.of("index", "docs", "index_type", "management_disabled",
                "flush_timeout", -1, "dlq_file", dir.resolve("dlq.ndjson").toString()));
        settings.putAll(overrides);
        final OpenSearchSink sink = new OpenSearchSink(TestEvents.setting("behaviour"), TestConfigs.bind(settings),
                new SinkContext(null), null, null);
        sinks.add(sink);
        return sink;
    }

    private static List<JsonNode> ndjson(final CapturedRequest request) throws Exception {
        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : new String(request.body(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    private static List<CapturedRequest> bulks(final LocalHttpServer server) {
        return server.requests.stream().filter(r -> r.rawPathAndQuery().startsWith("/_bulk")).toList();
    }

    /** A bulk answer giving each document the status the function picks from its source. */
    private static String answer(final CapturedRequest request, final Function<JsonNode, Integer> statusOf) {
        try {
            final List<JsonNode> lines = ndjson(request);
            final StringBuilder items = new StringBuilder();
            boolean errors = false;
            for (int i = 0; i < lines.size(); i += 2) {
                final int status = statusOf.apply(lines.get(i + 1));
                errors |= status >= 300;
                if (items.length() > 0) {
                    items.append(',');
                }
                items.append("{\"index\":{\"_index\":\"docs\",\"_id\":\"x").append(i).append("\",\"status\":").append(status);
                if (status >= 300) {
                    items.append(",\"error\":{\"type\":\"").append(status == 400 ? "mapper_parsing_exception" : "es_rejected_execution_exception")
                            .append("\",\"reason\":\"status ").append(status).append("\"}");
                }
                items.append("}}");
            }
            return "{\"took\":1,\"errors\":" + errors + ",\"items\":[" + items + "]}";
        } catch (final Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void basicAuthIsSentPreemptivelyOnEveryRequest() throws Exception {
        final LocalHttpServer server = server(r -> new LocalHttpServer.Answer(200, LocalHttpServer.acceptAll(r.body())));
        final OpenSearchSink sink = sink(Map.of("hosts", List.of(server.url()), "username", "admin", "password", "s3cret"));
        sink.initialize();
        final TestEvents events = new TestEvents();
        sink.output(events.records(List.of(Map.of("a", 1))));
        final String expected = "Basic " + java.util.Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8));
        assertEquals(2, server.requests.size());
        server.requests.forEach(r -> assertEquals(expected, r.header("authorization")));
        assertEquals(1, events.count(true));
    }

    @Test
    void wrongBasicAuthIsReportedAndKeepsTheSinkNotReady() throws Exception {
        final String good = "Basic " + java.util.Base64.getEncoder().encodeToString("admin:right".getBytes(StandardCharsets.UTF_8));
        final LocalHttpServer server = new LocalHttpServer(r -> good.equals(r.header("authorization"))
                ? new LocalHttpServer.Answer(200, LocalHttpServer.INFO)
                : new LocalHttpServer.Answer(401, "{\"error\":{\"type\":\"security_exception\",\"reason\":"
                        + "\"Unauthorized\"},\"status\":401}"));
        closeables.add(server);
        try (LogCapture log = new LogCapture(OpenSearchSink.class)) {
            final OpenSearchSink wrong = sink(Map.of("hosts", List.of(server.url()), "username", "admin", "password", "wrong"));
            wrong.initialize();
            assertFalse(wrong.isReady());
            assertTrue(log.messages().stream().anyMatch(m -> m.contains("401")), log.messages().toString());
            assertTrue(log.messages().stream().noneMatch(m -> m.contains("wrong")), "the password is never logged");
        }
        final OpenSearchSink right = sink(Map.of("hosts", List.of(server.url()), "username", "admin", "password", "right"));
        right.initialize();
        assertTrue(right.isReady());
    }

    @Test
    void itemsRejectedWith429AreRetriedAndOnlyThoseAreResent() throws Exception {
        final AtomicInteger calls = new AtomicInteger();
        final LocalHttpServer server = server(r -> {
            final boolean first = calls.getAndIncrement() == 0;
            return new LocalHttpServer.Answer(200, answer(r, doc -> first && doc.get("n").asInt() == 2 ? 429 : 201));
        });
        final OpenSearchSink sink = sink(Map.of("hosts", List.of(server.url())));
        sink.initialize();
        final TestEvents events = new TestEvents();
        sink.output(events.records(List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3))));
        final List<CapturedRequest> bulks = bulks(server);
        assertEquals(2, bulks.size());
        final List<JsonNode> retried = ndjson(bulks.get(1));
        assertEquals(2, retried.size(), "only the rejected document is sent again");
        assertEquals(2, retried.get(1).get("n").asInt());
        assertEquals(3, events.count(true));
        assertFalse(Files.exists(dir.resolve("dlq.ndjson")) && !Files.readString(dir.resolve("dlq.ndjson")).isEmpty());
    }

    @Test
    void documentsRejectedFor400GoToTheDlqAndAreNegativelyAcknowledged() throws Exception {
        final LocalHttpServer server = server(r -> new LocalHttpServer.Answer(200, answer(r,
                doc -> doc.get("n").asInt() == 2 ? 400 : 201)));
        final OpenSearchSink sink = sink(Map.of("hosts", List.of(server.url())));
        sink.initialize();
        final TestEvents events = new TestEvents();
        final List<Record<Event>> records = events.records(List.of(Map.of("n", 1), Map.of("n", 2)));
        sink.output(records);
        assertEquals(1, bulks(server).size(), "a 400 is not retried");
        assertEquals(Boolean.TRUE, events.acknowledgements.get(records.get(0).getData()));
        assertEquals(Boolean.FALSE, events.acknowledgements.get(records.get(1).getData()));
        final List<String> lines = Files.readAllLines(dir.resolve("dlq.ndjson"));
        assertEquals(1, lines.size());
        final JsonNode line = JSON.readTree(lines.get(0));
        assertEquals("behaviour", line.get("pipelineName").asText());
        assertEquals(400, line.at("/failedData/status").asInt());
        assertTrue(line.at("/failedData/message").asText().startsWith("mapper_parsing_exception"));
        assertEquals(2, line.at("/failedData/document/n").asInt());
    }

    @Test
    void serverErrorsAreRetriedUpToMaxRetriesThenDeadLettered() throws Exception {
        final LocalHttpServer server = server(r -> new LocalHttpServer.Answer(503,
                "{\"error\":{\"type\":\"unavailable\",\"reason\":\"busy\"},\"status\":503}"));
        final OpenSearchSink sink = sink(Map.of("hosts", List.of(server.url()), "max_retries", 2));
        sink.initialize();
        final TestEvents events = new TestEvents();
        sink.output(events.records(List.of(Map.of("n", 1))));
        assertEquals(3, bulks(server).size(), "first attempt and two retries");
        assertEquals(1, events.count(false));
        final JsonNode line = JSON.readTree(Files.readAllLines(dir.resolve("dlq.ndjson")).get(0));
        assertTrue(line.at("/failedData/message").asText().contains("after 2 retries"), line.toString());
        assertTrue(line.at("/failedData/message").asText().contains("503"), line.toString());
    }

    @Test
    void unreachableClusterAtStartUpIsRetriedUntilItIsUp() throws Exception {
        final int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (LogCapture log = new LogCapture(OpenSearchSink.class)) {
            final OpenSearchSink sink = sink(Map.of("hosts", List.of("http://127.0.0.1:" + port), "connect_timeout", 500));
            sink.initialize();
            assertFalse(sink.isReady());
            Thread.sleep(1500);
            assertFalse(sink.isReady());
            final com.sun.net.httpserver.HttpServer late = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress("127.0.0.1", port), 0);
            late.createContext("/", exchange -> {
                final byte[] body = LocalHttpServer.INFO.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            late.start();
            closeables.add(() -> late.stop(0));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!sink.isReady() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(sink.isReady(), "the sink becomes ready once the cluster answers");
            final List<String> attempts = log.messages().stream().filter(m -> m.contains("is not ready (attempt")).toList();
            assertTrue(attempts.size() >= 2, attempts.toString());
            assertTrue(attempts.get(0).contains("attempt 1") && attempts.get(1).contains("attempt 2"), attempts.toString());
            assertTrue(attempts.get(0).contains("127.0.0.1:" + port), attempts.get(0));
        }
    }

    @Test
    void documentLargerThanBulkSizeTravelsAlone() throws Exception {
        final LocalHttpServer server = server(r -> new LocalHttpServer.Answer(200, LocalHttpServer.acceptAll(r.body())));
        final OpenSearchSink sink = sink(Map.of("hosts", List.of(server.url()), "bulk_size", 1));
        sink.initialize();
        final TestEvents events = new TestEvents();
        final String big = "x".repeat(1_300_000);
        sink.output(events.records(List.of(Map.of("n", 1), Map.of("n", 2, "big", big), Map.of("n", 3))));
        final List<CapturedRequest> bulks = bulks(server);
        assertEquals(3, bulks.size());
        assertEquals(2, ndjson(bulks.get(1)).size());
        assertEquals(big, ndjson(bulks.get(1)).get(1).get("big").asText());
        assertEquals(3, events.count(true));
    }

    @Test
    void workersSendingAtOnceGetEveryDocumentIndexedExactlyOnce() throws Exception {
        final LocalHttpServer server = server(r -> new LocalHttpServer.Answer(200, LocalHttpServer.acceptAll(r.body())));
        final OpenSearchSink sink = sink(Map.of("hosts", List.of(server.url()), "bulk_size", 1, "flush_timeout", 200));
        sink.initialize();
        final TestEvents events = new TestEvents();
        final int threads = 4;
        final int perThread = 1500;
        events.expect(threads * perThread);
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        final List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int thread = t;
            futures.add(pool.submit(() -> {
                for (int batch = 0; batch < perThread / 100; batch++) {
                    final List<Map<String, Object>> data = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        data.add(Map.of("id", thread + "-" + (batch * 100 + i), "pad", "p".repeat(2000)));
                    }
                    sink.output(events.records(data));
                }
            }));
        }
        for (final Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue(events.await(), "every event is released");
        final Set<String> ids = new HashSet<>();
        int documents = 0;
        for (final CapturedRequest bulk : bulks(server)) {
            final List<JsonNode> lines = ndjson(bulk);
            for (int i = 1; i < lines.size(); i += 2) {
                ids.add(lines.get(i).get("id").asText());
                documents++;
            }
        }
        assertEquals(threads * perThread, documents);
        assertEquals(threads * perThread, ids.size());
        assertEquals(threads * perThread, events.count(true));
        assertTrue(bulks(server).size() > 1);
    }

    @Test
    void partialBulkIsFlushedAfterFlushTimeout() throws Exception {
        final LocalHttpServer server = server(r -> new LocalHttpServer.Answer(200, LocalHttpServer.acceptAll(r.body())));
        final OpenSearchSink sink = sink(Map.of("hosts", List.of(server.url()), "flush_timeout", 300));
        sink.initialize();
        final TestEvents events = new TestEvents();
        events.expect(3);
        sink.output(events.records(List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3))));
        assertTrue(bulks(server).isEmpty(), "a partial bulk waits for flush_timeout");
        assertTrue(events.await());
        assertEquals(1, bulks(server).size());
        assertEquals(6, ndjson(bulks(server).get(0)).size());
    }

    @Test
    void indexIdAndRoutingAreFormattedFromTheEvent() throws Exception {
        final LocalHttpServer server = server(r -> new LocalHttpServer.Answer(200, LocalHttpServer.acceptAll(r.body())));
        final OpenSearchSink sink = sink(Map.of("hosts", List.of(server.url()), "index", "logs-${/kind}-%{yyyy.MM.dd}",
                "document_id", "${/id}", "routing", "${/user}"));
        sink.initialize();
        final TestEvents events = new TestEvents();
        final List<Record<Event>> records = events.records(List.of(Map.of("kind", "app", "id", "7", "user", "u1"),
                Map.of("kind", "app", "user", "u2")));
        sink.output(records);
        final List<JsonNode> lines = ndjson(bulks(server).get(0));
        assertEquals(2, lines.size(), "the event without /id is not sent");
        final String today = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy.MM.dd"));
        assertEquals("logs-app-" + today, lines.get(0).at("/index/_index").asText());
        assertEquals("7", lines.get(0).at("/index/_id").asText());
        assertEquals("u1", lines.get(0).at("/index/routing").asText());
        assertEquals(Boolean.FALSE, events.acknowledgements.get(records.get(1).getData()));
        final JsonNode dlq = JSON.readTree(Files.readAllLines(dir.resolve("dlq.ndjson")).get(0));
        assertTrue(dlq.at("/failedData/message").asText().contains("document_id '${/id}'"), dlq.toString());
        assertEquals("u2", dlq.at("/failedData/document/user").asText());
    }

    @Test
    void sinkEntryKeyFiltersAndTagsShapeTheDocument() throws Exception {
        final LocalHttpServer server = server(r -> new LocalHttpServer.Answer(200, LocalHttpServer.acceptAll(r.body())));
        final Map<String, Object> settings = new HashMap<>(Map.of("hosts", List.of(server.url()), "index", "docs",
                "index_type", "management_disabled", "flush_timeout", -1));
        final OpenSearchSink include = new OpenSearchSink(TestEvents.setting("keys"), TestConfigs.bind(settings),
                new SinkContext("tags", null, List.of("/keep", "/nested/inner"), null), null, null);
        final OpenSearchSink exclude = new OpenSearchSink(TestEvents.setting("keys"), TestConfigs.bind(settings),
                new SinkContext(null, null, null, List.of("/drop")), null, null);
        sinks.add(include);
        sinks.add(exclude);
        include.initialize();
        exclude.initialize();
        final TestEvents events = new TestEvents();
        final Map<String, Object> data = new LinkedHashMap<>();
        data.put("nested", Map.of("inner", 3, "other", 4));
        data.put("drop", 2);
        data.put("keep", 1);
        final List<Record<Event>> records = events.records(List.of(data));
        records.get(0).getData().getMetadata().addTags(List.of("t1"));
        include.output(records);
        exclude.output(events.records(List.of(Map.of("keep", 1, "drop", 2))));
        final JsonNode included = ndjson(bulks(server).get(0)).get(1);
        // Fields in the event's order (as upstream's event.jsonBuilder()), not the include_keys order; tags last.
        assertEquals("{\"nested\":{\"inner\":3},\"keep\":1,\"tags\":[\"t1\"]}", included.toString());
        assertEquals("{\"keep\":1}", ndjson(bulks(server).get(1)).get(1).toString());
    }

    @Test
    void actionsProduceTheirBulkLines() throws Exception {
        final LocalHttpServer server = server(r -> new LocalHttpServer.Answer(200, LocalHttpServer.acceptAll(r.body())));
        final OpenSearchSink sink = sink(Map.of("hosts", List.of(server.url()), "document_id", "${/id}", "action", "${/op}"));
        sink.initialize();
        final TestEvents events = new TestEvents();
        final List<Record<Event>> records = events.records(List.of(Map.of("id", "1", "op", "create"),
                Map.of("id", "2", "op", "update"), Map.of("id", "3", "op", "upsert"), Map.of("id", "4", "op", "delete"),
                Map.of("id", "5", "op", "index"), Map.of("id", "6", "op", "explode")));
        sink.output(records);
        final List<JsonNode> lines = ndjson(bulks(server).get(0));
        assertEquals("1", lines.get(0).at("/create/_id").asText());
        assertEquals("2", lines.get(2).at("/update/_id").asText());
        assertEquals("2", lines.get(3).at("/doc/id").asText());
        assertTrue(lines.get(3).path("doc_as_upsert").isMissingNode());
        assertEquals("3", lines.get(4).at("/update/_id").asText());
        assertTrue(lines.get(5).get("doc_as_upsert").asBoolean());
        assertEquals("4", lines.get(6).at("/delete/_id").asText());
        assertEquals("5", lines.get(7).at("/index/_id").asText());
        assertEquals(9, lines.size(), "delete has no source line; the unknown action is not sent");
        assertEquals(Boolean.FALSE, events.acknowledgements.get(records.get(5).getData()));
    }
}
