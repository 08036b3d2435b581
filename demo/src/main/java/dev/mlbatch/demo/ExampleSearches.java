package dev.mlbatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.stack.ml.OpenSearchHttp;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The searches of {@code examples/searches/} against a provider's index: a {@code knn} query with a vector and a
 * {@code neural} query whose text ML Commons embeds with the real-time model.
 */
public final class ExampleSearches {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL_PLACEHOLDER = "<your-realtime-model-id>";
    /** Candidates per segment that the graph search keeps at least (measured in the README's search-quality section). */
    public static final int EF_SEARCH = 200;

    /** One hit: document id, score, and its text. */
    public record Hit(String id, double score, String text) {
    }

    private final OpenSearchHttp openSearch;
    private final String index;
    private final String realtimeModelId;
    private long lastTookMillis;

    public ExampleSearches(final OpenSearchHttp openSearch, final String index, final String realtimeModelId) {
        this.openSearch = openSearch;
        this.index = index;
        this.realtimeModelId = realtimeModelId;
    }

    /** Runs each {@code *.json} query of {@code searchesDir} and prints its top hits. */
    public void printAll(final Path searchesDir, final PrintStream out) throws IOException {
        final List<Path> files;
        try (var list = Files.list(searchesDir)) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (final Path file : files) {
            final JsonNode query = JSON.readTree(Files.readString(file).replace(MODEL_PLACEHOLDER, realtimeModelId));
            out.printf("search %s (%s)%n", file.getFileName(), describe(query));
            for (final Hit hit : search(query)) {
                out.printf(Locale.ROOT, "  %.4f  %s  %s%n", hit.score(), hit.id(), abbreviate(hit.text(), 100));
            }
        }
    }

    /**
     * How {@code mlbatch search} and {@code mlbatch bench quality} ask: the {@code k} nearest documents to
     * {@code text}, embedded by ML Commons with the real-time model. On the Lucene engine {@code k} is also how many
     * candidates the graph search keeps per segment, so a small {@code k} alone misses near documents; the query
     * widens that walk with {@code method_parameters.ef_search} ({@link #EF_SEARCH}) and still returns {@code k}.
     */
    public List<Hit> neural(final String text, final int k) {
        return neural(text, k, EF_SEARCH);
    }

    /** {@link #neural} with another {@code ef_search}; 0 leaves it to the engine (which then keeps {@code k}). */
    public List<Hit> neural(final String text, final int k, final int efSearch) {
        final ObjectNode neural = JSON.createObjectNode().put("query_text", text).put("model_id", realtimeModelId).put("k", k);
        widen(neural, k, efSearch);
        return search(vectorQuery("neural", neural, k));
    }

    /** The {@code k} nearest documents to {@code vector}, asked as {@link #neural} asks. */
    public List<Hit> knn(final float[] vector, final int k) {
        return knn(vector, k, EF_SEARCH);
    }

    /** {@link #knn} with another {@code ef_search}; 0 leaves it to the engine. */
    public List<Hit> knn(final float[] vector, final int k, final int efSearch) {
        final ObjectNode knn = JSON.createObjectNode().put("k", k);
        knn.set("vector", floats(vector));
        widen(knn, k, efSearch);
        return search(vectorQuery("knn", knn, k));
    }

    /** The {@code k} nearest documents to {@code vector} by brute force over every stored vector (no graph). */
    public List<Hit> exact(final float[] vector, final int k) {
        final ObjectNode query = JSON.createObjectNode();
        query.put("size", k);
        query.putObject("_source").putArray("excludes").add("text_embedding");
        final ObjectNode script = query.putObject("query").putObject("script_score");
        script.putObject("query").putObject("match_all");
        final ObjectNode params = script.putObject("script").put("source", "knn_score").put("lang", "knn").putObject("params");
        params.put("field", "text_embedding").put("space_type", "cosinesimil").set("query_value", floats(vector));
        return search(query);
    }

    private static void widen(final ObjectNode clause, final int k, final int efSearch) {
        if (efSearch > 0) {
            clause.putObject("method_parameters").put("ef_search", Math.max(k, efSearch));
        }
    }

    private static ArrayNode floats(final float[] vector) {
        final var array = JSON.createArrayNode();
        for (final float f : vector) {
            array.add(f);
        }
        return array;
    }

    private static ObjectNode vectorQuery(final String kind, final ObjectNode clause, final int size) {
        final ObjectNode query = JSON.createObjectNode();
        query.put("size", size);
        query.putObject("_source").putArray("excludes").add("text_embedding");
        query.putObject("query").putObject(kind).set("text_embedding", clause);
        return query;
    }

    /** What OpenSearch said the last search took ({@code took}, ms): the server's time, without the client's. */
    public long lastTookMillis() {
        return lastTookMillis;
    }

    private List<Hit> search(final JsonNode query) {
        final JsonNode answer = openSearch.post("/" + index + "/_search", query).orThrow("search on " + index);
        lastTookMillis = answer.path("took").asLong();
        final List<Hit> hits = new ArrayList<>();
        for (final JsonNode hit : answer.path("hits").path("hits")) {
            hits.add(new Hit(hit.path("_id").asText(), hit.path("_score").asDouble(), hit.path("_source").path("text").asText()));
        }
        return hits;
    }

    private static String describe(final JsonNode query) {
        final JsonNode neural = query.path("query").path("neural").path("text_embedding");
        if (!neural.isMissingNode()) {
            return "neural, query_text \"" + neural.path("query_text").asText() + "\"";
        }
        final JsonNode knn = query.path("query").path("knn").path("text_embedding");
        return knn.isMissingNode() ? "query" : "knn, a " + knn.path("vector").size() + "-float vector";
    }

    private static String abbreviate(final String s, final int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
