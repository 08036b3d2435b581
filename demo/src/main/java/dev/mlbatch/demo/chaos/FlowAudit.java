package dev.mlbatch.demo.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.demo.RecordAccount;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.model.MiniLmModel;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one chaos run left, counted from the outside once its stages are stopped: duplicate provider jobs (from the
 * {@link ProviderJobLog}), lost records ({@link RecordAccount}: records in that are neither indexed with a vector nor
 * rejected, dead-lettered or otherwise accounted for), duplicated documents (documents beyond one per loaded id) and
 * documents without their own vector (none, or one whose cosine with the model's embedding of the document's own
 * text, computed in this JVM with the same {@link MiniLmModel}, is below 0.999).
 */
record FlowAudit(int duplicateJobs, long lost, long duplicatedDocs, long withoutOwnVector, long documents) {

    /** Cosine of two embeddings of the same text: equal up to float rounding. */
    static final double SAME_VECTOR = 0.999;
    private static final int MAX_DOCUMENTS = 10_000;

    static FlowAudit of(final ProviderJobLog jobs, final RecordAccount account, final OpenSearchHttp openSearch,
                        final String index, final List<String> loadedIds, final MiniLmModel model) {
        openSearch.post("/" + index + "/_refresh", null).orThrow("refreshing " + index);
        final JsonNode hits = openSearch.post("/" + index + "/_search", Map.of("size", MAX_DOCUMENTS,
                "track_total_hits", true, "query", Map.of("match_all", Map.of()))).orThrow("reading " + index).path("hits");
        final long documents = hits.path("total").path("value").asLong();
        if (documents > MAX_DOCUMENTS) {
            throw new IllegalStateException(index + " holds " + documents + " documents; the audit reads at most " + MAX_DOCUMENTS);
        }
        final Set<String> loaded = new HashSet<>(loadedIds);
        final Set<String> seen = new HashSet<>();
        long withoutOwnVector = 0;
        for (final JsonNode hit : hits.path("hits")) {
            final String id = hit.path("_id").asText();
            if (loaded.contains(id)) {
                seen.add(id);
            }
            final JsonNode vector = hit.path("_source").path("text_embedding");
            final String text = hit.path("_source").path("text").asText("");
            if (vector.size() != MiniLmModel.DIMENSIONS || text.isBlank() || cosine(model.embed(text).vector(), vector) < SAME_VECTOR) {
                withoutOwnVector++;
            }
        }
        return new FlowAudit(jobs.duplicates(), Math.max(0, account.unaccounted()), documents - seen.size(),
                withoutOwnVector, documents);
    }

    private static double cosine(final float[] expected, final JsonNode vector) {
        double dot = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            final double v = vector.get(i).asDouble();
            dot += expected[i] * v;
            norm += v * v;
        }
        // The model's vectors are L2-normalised; the stored one is normalised here so that a scaled vector counts too.
        return norm == 0 ? 0 : dot / Math.sqrt(norm);
    }
}
