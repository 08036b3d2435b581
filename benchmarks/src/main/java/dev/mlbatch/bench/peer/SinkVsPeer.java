package dev.mlbatch.bench.peer;

import dev.mlbatch.compat.CompatMain;
import dev.mlbatch.bench.sink.SinkBenchmark;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.ml.OpenSearchHttp;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * {@code bench sink --peer DATA_PREPPER_HOME [--rounds N] [documents]}: 20,000 documents (default) with 384-float
 * vectors, file source → opensearch sink into the local stack's OpenSearch, the same pipeline file in our runtime
 * and in the real Data Prepper (upstream's opensearch sink), each side into a freshly created knn index. Progress is
 * the index's {@code indexing.index_total} (documents indexed, searchable or not: refreshing often enough for
 * {@code _count} to follow would make lucene build and merge many small HNSW graphs, and slow both sides down to the
 * node's merge rate); each run must end with every document searchable. Last line {@code sink-vs-peer: <ours ÷ theirs>}.
 */
public final class SinkVsPeer {
    private static final double TARGET = 1.8;
    private static final int DIMENSION = 384;
    private static final String INDEX = "bench-sink-peer";

    private SinkVsPeer() {
    }

    public static void main(final String[] args) throws Exception {
        final SideBySide sides = SideBySide.parse("sink", args, System.out);
        final int documents = Integer.parseInt(sides.arg(0, "20000"));
        final LocalStack stack = LocalStack.startOrReuse();
        final OpenSearchHttp node = new OpenSearchHttp(stack.openSearchUrl());
        final Path work = Files.createTempDirectory("mlbatch-bench-sink-peer");
        try {
            final Path input = work.resolve("documents.jsonl");
            writeDocuments(input, documents);
            final Path pipeline = work.resolve("pipeline.yaml");
            Files.writeString(pipeline, pipelineYaml(input, stack.openSearchUrl()));
            System.out.printf(Locale.ROOT, "sink --peer: %,d documents with %d-float vectors (%,d bytes), file -> opensearch %s; peer %s%n",
                    documents, DIMENSION, Files.size(input), stack.openSearchUrl(), sides.peerHome());
            final double ratio = sides.compare(pipeline, work, Map.of("MLBATCH_LOG_LEVEL", "WARN"), new SideBySide.Workload() {
                @Override
                public LongSupplier reset() {
                    node.delete("/" + INDEX);
                    node.put("/" + INDEX, SinkBenchmark.knnIndexBody(DIMENSION)).orThrow("create index " + INDEX);
                    return new IndexedCount(node, INDEX);
                }

                @Override
                public void after(final String who) {
                    node.post("/" + INDEX + "/_refresh", null).orThrow("refresh " + INDEX);
                    final long searchable = node.get("/" + INDEX + "/_count").orThrow("count " + INDEX).path("count").asLong();
                    if (searchable != documents) {
                        throw new IllegalStateException(who + " left " + searchable + " of " + documents + " documents in " + INDEX);
                    }
                }
            }, documents, Duration.ofMinutes(15));
            node.delete("/" + INDEX);
            System.out.printf(Locale.ROOT, "sink-vs-peer: %.2f (ours / Data Prepper documents/s; target >= %.1f)%n", ratio, TARGET);
            CompatMain.deleteTree(work);
        } catch (final Exception e) {
            System.err.println("bench failed; its pipelines, logs and data are kept in " + work);
            throw e;
        }
    }

    private static void writeDocuments(final Path file, final int documents) throws IOException {
        final Random random = new Random(42);
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int n = 0; n < documents; n++) {
                final StringBuilder line = new StringBuilder(DIMENSION * 10).append("{\"id\":\"doc-").append(n)
                        .append("\",\"text\":\"benchmark document ").append(n).append("\",\"vector\":[");
                for (int d = 0; d < DIMENSION; d++) {
                    line.append(d == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", random.nextFloat() * 2 - 1));
                }
                out.write(line.append("]}\n").toString());
            }
        }
    }

    private static String pipelineYaml(final Path input, final String url) {
        return """
                sink-peer:
                  source:
                    file:
                      path: "%s"
                      format: json
                      record_type: event
                  sink:
                    - opensearch:
                        hosts: ["%s"]
                        index: %s
                        document_id: "${/id}"
                        # default 60 s: the last partial bulk of a finite load would wait that long on both sides
                        flush_timeout: 1000
                """.formatted(input, url, INDEX);
    }

    /** Probe: documents the index has indexed ({@code _stats/indexing}), asked at most every 100 ms. */
    private static final class IndexedCount implements LongSupplier {
        private final OpenSearchHttp node;
        private final String index;
        private long askedAt;
        private long last;

        IndexedCount(final OpenSearchHttp node, final String index) {
            this.node = node;
            this.index = index;
        }

        @Override
        public long getAsLong() {
            final long now = System.nanoTime();
            if (now - askedAt >= 100_000_000L) {
                askedAt = now;
                final OpenSearchHttp.Answer answer = node.get("/" + index + "/_stats/indexing");
                if (answer.ok()) {
                    last = answer.body().path("_all").path("primaries").path("indexing").path("index_total").asLong();
                }
            }
            return last;
        }
    }
}
