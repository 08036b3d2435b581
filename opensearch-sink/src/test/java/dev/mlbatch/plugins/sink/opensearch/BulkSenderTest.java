package dev.mlbatch.plugins.sink.opensearch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import software.amazon.awssdk.retries.api.BackoffStrategy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retry pacing and the end of retrying: backoff delays grow, and a shutdown stops retries with a DLQ entry. */
class BulkSenderTest {
    @TempDir
    Path dir;
    private LocalHttpServer server;
    private OpenSearchTransport transport;

    @AfterEach
    void close() throws Exception {
        transport.close();
        server.close();
    }

    private BulkSender sender(final BulkSender.Sleeper sleeper, final int maxRetries) throws Exception {
        server = new LocalHttpServer(r -> new LocalHttpServer.Answer(503, "{\"error\":{\"type\":\"x\",\"reason\":\"busy\"},\"status\":503}"));
        transport = OpenSearchTransportFactory.create(TestConfigs.bind(Map.of("hosts", List.of(server.url()), "index", "i")), null);
        final SinkMetrics metrics = new SinkMetrics(PluginMetrics.fromNames("opensearch", "sender-test"));
        final DeadLetterFile dlq = new DeadLetterFile(dir.resolve("dlq.ndjson"), "sender-test", "opensearch");
        return new BulkSender(new OpenSearchClient(transport), maxRetries,
                BackoffStrategy.exponentialDelayWithoutJitter(Duration.ofMillis(50), Duration.ofSeconds(60)),
                new FailedDocumentHandler(dlq, metrics, "test"), metrics, sleeper, "test");
    }

    private static BulkBatch batch(final TestEvents events) {
        final BulkAccumulator accumulator = new BulkAccumulator(1 << 20, System::nanoTime);
        for (final Record<Event> record : events.records(List.of(Map.of("a", 1)))) {
            final BulkTarget target = new BulkTarget("i", null, null, BulkAction.INDEX);
            final String json = record.getData().toJsonString();
            accumulator.add(new PendingDocument(target, BulkOperationFactory.create(target, new RawJsonDocument(json)), json,
                    PendingDocument.estimateBytes(target, json), record.getData().getEventHandle()));
        }
        return accumulator.takeAll();
    }

    @Test
    void backoffGrowsExponentiallyBetweenAttempts() throws Exception {
        final List<Duration> sleeps = new ArrayList<>();
        final BulkSender sender = sender(d -> sleeps.add(d), 4);
        final TestEvents events = new TestEvents();
        sender.send(batch(events));
        assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)), sleeps);
        assertEquals(5, server.requests.size());
        assertEquals(1, events.count(false));
    }

    @Test
    void shutdownStopsRetryingAndDeadLettersWithTheReason() throws Exception {
        final AtomicInteger sleeps = new AtomicInteger();
        final BulkSender sender = sender(d -> sleeps.incrementAndGet() < 3, Integer.MAX_VALUE);
        final TestEvents events = new TestEvents();
        sender.send(batch(events));
        assertEquals(3, server.requests.size(), "two retries, then the shutdown ends retrying");
        assertEquals(1, events.count(false));
        final String line = Files.readAllLines(dir.resolve("dlq.ndjson")).get(0);
        assertTrue(line.contains("sink shut down while retrying; last error: HTTP 503"), line);
    }

    @Test
    void anInterruptStillWritesTheDlqAndKeepsTheInterruptFlag() throws Exception {
        final BulkSender sender = sender(d -> {
            throw new InterruptedException("test");
        }, Integer.MAX_VALUE);
        final TestEvents events = new TestEvents();
        try {
            sender.send(batch(events));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertEquals(1, events.count(false));
        assertTrue(Files.readAllLines(dir.resolve("dlq.ndjson")).get(0).contains("interrupted while retrying"));
    }
}
