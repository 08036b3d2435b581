package dev.mlbatch.bench.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.sink.opensearch.OpenSearchSink;
import dev.mlbatch.plugins.sink.opensearch.OpenSearchSinkConfig;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.sink.SinkContext;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingest rate of the opensearch sink against a direct opensearch-java bulk load, in one run, into the same node:
 * the same documents (384-float vectors) into identical lucene knn_vector indices, with the same bulk size. Each
 * side is timed over its own work only (building the events or maps of a batch is excluded from both). The last
 * line is {@code sink: <ratio> of direct bulk (target >= 0.95)}.
 */
public final class SinkBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** knn bulks of ~1200 documents can take longer than HttpClient's 30 s default on a busy 2-core machine. */
    private static final int RESPONSE_TIMEOUT_MS = 300_000;

    private SinkBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        final BenchmarkSettings settings = BenchmarkSettings.parse(args);
        final String indexBody = knnIndexBody(settings.dimension());
        final int perBulk = documentsPerBulk(settings);
        System.out.printf("sink benchmark: %d documents, %d-float vectors, bulk_size %d MiB (~%d documents per request), "
                        + "%d alternating rounds, node %s%n", settings.documents(), settings.dimension(), settings.bulkSizeMib(),
                perBulk, settings.rounds(), settings.url());

        try (Node node = new Node(settings.url())) {
            // Warm both code paths (JIT, connections) on throw-away indices before measuring.
            final int warmUp = Math.min(2_000, settings.documents());
            node.recreate("bench-warmup-direct", indexBody);
            runDirect(node, "bench-warmup-direct", 0, warmUp, perBulk, settings);
            resetSinkIndex(node, "bench-warmup-sink");
            runSink(node, "bench-warmup-sink", indexBody, 0, warmUp, settings);
            node.delete("bench-warmup-direct");
            node.delete("bench-warmup-sink");

            // The machine is shared and the node merges in the background: alternate the two loads in rounds (and
            // which goes first) so that drift in load hits both sides alike, and start each load on a node that has
            // finished merging what the other one wrote (lucene HNSW merges are expensive).
            node.recreate("bench-direct", indexBody);
            resetSinkIndex(node, "bench-sink");
            long directNanos = 0;
            long sinkNanos = 0;
            final int perRound = (settings.documents() + settings.rounds() - 1) / settings.rounds();
            for (int round = 0, from = 0; from < settings.documents(); round++, from += perRound) {
                final int count = Math.min(perRound, settings.documents() - from);
                long direct;
                long sink;
                if (round % 2 == 0) {
                    node.awaitNoMerges();
                    direct = runDirect(node, "bench-direct", from, count, perBulk, settings);
                    node.awaitNoMerges();
                    sink = runSink(node, "bench-sink", indexBody, from, count, settings);
                } else {
                    node.awaitNoMerges();
                    sink = runSink(node, "bench-sink", indexBody, from, count, settings);
                    node.awaitNoMerges();
                    direct = runDirect(node, "bench-direct", from, count, perBulk, settings);
                }
                directNanos += direct;
                sinkNanos += sink;
                System.out.printf("  round %d (%s first): %d documents each, direct %.0f docs/s, sink %.0f docs/s%n", round + 1,
                        round % 2 == 0 ? "direct" : "sink", count, count / (direct / 1e9), count / (sink / 1e9));
            }
            final double directRate = report("direct bulk", "bench-direct", node, settings.documents(), directNanos);
            final double sinkRate = report("sink", "bench-sink", node, settings.documents(), sinkNanos);
            System.out.printf("sink: %.3f of direct bulk (target >= 0.95)%n", sinkRate / directRate);
        }
    }

    private static void resetSinkIndex(final Node node, final String index) throws Exception {
        node.delete(index);
        node.deleteTemplate(index + "-index-template");
    }

    /** Loads documents [from, from+count) with plain opensearch-java bulk requests; returns the nanoseconds spent. */
    private static long runDirect(final Node node, final String index, final int from, final int count,
                                  final int perBulk, final BenchmarkSettings settings) throws Exception {
        long nanos = 0;
        final List<BulkOperation> operations = new ArrayList<>(perBulk);
        int errors = 0;
        for (int at = from; at < from + count; at += settings.batchSize()) {
            final List<Map<String, Object>> batch = documents(at, Math.min(settings.batchSize(), from + count - at), settings.dimension());
            final long start = System.nanoTime();
            for (final Map<String, Object> doc : batch) {
                operations.add(BulkOperation.of(b -> b.index(i -> i.index(index).id((String) doc.get("id")).document(doc))));
                if (operations.size() >= perBulk) {
                    errors += node.bulk(operations);
                    operations.clear();
                }
            }
            nanos += System.nanoTime() - start;
        }
        final long start = System.nanoTime();
        if (!operations.isEmpty()) {
            errors += node.bulk(operations);
        }
        nanos += System.nanoTime() - start;
        if (errors > 0) {
            throw new IllegalStateException("direct bulk: " + errors + " documents rejected");
        }
        return nanos;
    }

    /** Sends documents [from, from+count) through a sink (flushed by its shutdown); returns the nanoseconds spent. */
    private static long runSink(final Node node, final String index, final String indexBody, final int from, final int count,
                                final BenchmarkSettings settings) throws Exception {
        final Map<String, Object> config = Map.of("hosts", List.of(settings.url()), "index", index,
                "template_content", indexBody, "document_id", "${/id}", "bulk_size", settings.bulkSizeMib(),
                "socket_timeout", RESPONSE_TIMEOUT_MS);
        final PluginSetting pluginSetting = new PluginSetting("opensearch", config);
        pluginSetting.setPipelineName("sink-benchmark");
        final OpenSearchSink sink = new OpenSearchSink(pluginSetting, JSON.convertValue(config, OpenSearchSinkConfig.class),
                new SinkContext(null), null, null);
        sink.initialize();
        if (!sink.isReady()) {
            throw new IllegalStateException("the sink could not reach " + settings.url());
        }
        final CountDownLatch released = new CountDownLatch(count);
        final AtomicLong failed = new AtomicLong();
        long nanos = 0;
        for (int at = from; at < from + count; at += settings.batchSize()) {
            final List<Record<Event>> records = new ArrayList<>(settings.batchSize());
            for (final Map<String, Object> doc : documents(at, Math.min(settings.batchSize(), from + count - at), settings.dimension())) {
                final Event event = JacksonEvent.builder().withEventType("event").withData(doc).build();
                event.getEventHandle().onRelease((handle, ok) -> {
                    if (!ok) {
                        failed.incrementAndGet();
                    }
                    released.countDown();
                });
                records.add(new Record<>(event));
            }
            final long start = System.nanoTime();
            sink.output(records);
            nanos += System.nanoTime() - start;
        }
        final long start = System.nanoTime();
        sink.shutdown();
        if (!released.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("not every event was acknowledged");
        }
        nanos += System.nanoTime() - start;
        if (failed.get() > 0) {
            throw new IllegalStateException("sink: " + failed.get() + " documents not indexed");
        }
        return nanos;
    }

    private static double report(final String name, final String index, final Node node, final int documents,
                                 final long nanos) throws Exception {
        final double seconds = nanos / 1e9;
        final double rate = documents / seconds;
        final long count = node.count(index);
        System.out.printf("%-12s %d documents in %.1f s = %.0f docs/s (index %s holds %d)%n",
                name + ":", documents, seconds, rate, index, count);
        if (count != documents) {
            throw new IllegalStateException(name + ": expected " + documents + " documents in " + index + ", found " + count);
        }
        return rate;
    }

    /** How many documents fill bulk_size, estimated as the sink does (document JSON plus the action line). */
    private static int documentsPerBulk(final BenchmarkSettings settings) throws Exception {
        final Map<String, Object> sample = documents(0, 1, settings.dimension()).get(0);
        final int bytes = JSON.writeValueAsBytes(sample).length + 64 + "bench-direct".length() + 12;
        return Math.max(1, (int) (settings.bulkSizeMib() * 1024L * 1024L / bytes));
    }

    static List<Map<String, Object>> documents(final int from, final int count, final int dimension) {
        final List<Map<String, Object>> docs = new ArrayList<>(count);
        for (int n = from; n < from + count; n++) {
            final Random random = new Random(n);
            final List<Float> vector = new ArrayList<>(dimension);
            for (int i = 0; i < dimension; i++) {
                vector.add(random.nextFloat() * 2 - 1);
            }
            final Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("id", "doc-" + n);
            doc.put("text", "benchmark document " + n);
            doc.put("vector", vector);
            docs.add(doc);
        }
        return docs;
    }

    /** The benchmark's index (also used by {@code bench sink --peer}): a lucene knn_vector field {@code vector}. */
    public static String knnIndexBody(final int dimension) {
        return "{\"settings\":{\"index\":{\"knn\":true,\"number_of_shards\":1,\"number_of_replicas\":0}},"
                + "\"mappings\":{\"properties\":{\"id\":{\"type\":\"keyword\"},\"text\":{\"type\":\"text\"},"
                + "\"vector\":{\"type\":\"knn_vector\",\"dimension\":" + dimension + ",\"method\":{\"name\":\"hnsw\","
                + "\"engine\":\"lucene\",\"space_type\":\"cosinesimil\"}}}}}";
    }

    /** The direct opensearch-java client: the baseline, and index housekeeping for both runs. */
    private static final class Node implements AutoCloseable {
        private final OpenSearchTransport transport;
        private final OpenSearchClient client;

        Node(final String url) {
            final URI uri = URI.create(url);
            transport = ApacheHttpClient5TransportBuilder.builder(new HttpHost(uri.getScheme(), uri.getHost(), uri.getPort()))
                    .setMapper(new JacksonJsonpMapper())
                    .setRequestConfigCallback(r -> r.setResponseTimeout(Timeout.ofMilliseconds(RESPONSE_TIMEOUT_MS)))
                    .build();
            client = new OpenSearchClient(transport);
        }

        int bulk(final List<BulkOperation> operations) throws Exception {
            final BulkResponse response = client.bulk(b -> b.operations(new ArrayList<>(operations)));
            return (int) response.items().stream().filter(i -> i.error() != null).count();
        }

        void recreate(final String index, final String body) throws Exception {
            delete(index);
            request("PUT", "/" + index, body);
        }

        void delete(final String index) throws Exception {
            request("DELETE", "/" + index, null);
        }

        /** Waits (at most 5 minutes) until no merge runs on the node. */
        void awaitNoMerges() throws Exception {
            final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (System.nanoTime() < deadline) {
                final JsonNode nodes = JSON.readTree(request("GET", "/_nodes/stats/indices/merge", null)).path("nodes");
                long running = 0;
                for (final JsonNode n : nodes) {
                    running += n.path("indices").path("merges").path("current").asLong();
                }
                if (running == 0) {
                    return;
                }
                Thread.sleep(500);
            }
        }

        void deleteTemplate(final String name) throws Exception {
            request("DELETE", "/_template/" + name, null);
        }

        long count(final String index) throws Exception {
            request("POST", "/" + index + "/_refresh", null);
            return JSON.readTree(request("GET", "/" + index + "/_count", null)).get("count").asLong();
        }

        private String request(final String method, final String path, final String json) throws Exception {
            final Requests.JsonBodyBuilder builder = Requests.builder().method(method).endpoint(path);
            if (json != null) {
                builder.json(json);
            }
            try (org.opensearch.client.opensearch.generic.Response response = client.generic().execute(builder.build())) {
                return response.getBody().map(b -> new String(b.bodyAsBytes(), StandardCharsets.UTF_8)).orElse("");
            }
        }

        @Override
        public void close() throws Exception {
            transport.close();
        }
    }
}
