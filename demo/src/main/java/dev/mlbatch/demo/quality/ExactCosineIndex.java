package dev.mlbatch.demo.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * Brute-force nearest neighbours over L2-normalised vectors held in memory: the exact answer an approximate index is
 * measured against. For normalised vectors the dot product is the cosine similarity.
 */
public final class ExactCosineIndex {

    private final List<String> ids = new ArrayList<>();
    private final List<float[]> vectors = new ArrayList<>();

    /** Embeds every text with {@code embedder} (which must return normalised vectors). */
    public static ExactCosineIndex of(final List<String> ids, final List<String> texts, final Function<String, float[]> embedder) {
        final ExactCosineIndex index = new ExactCosineIndex();
        for (int i = 0; i < ids.size(); i++) {
            index.add(ids.get(i), embedder.apply(texts.get(i)));
        }
        return index;
    }

    public void add(final String id, final float[] vector) {
        ids.add(id);
        vectors.add(vector);
    }

    public int size() {
        return ids.size();
    }

    /** The ids of the {@code k} most similar vectors, best first (ties: the earlier added first). */
    public List<String> top(final float[] query, final int k) {
        final PriorityQueue<Integer> worstFirst = new PriorityQueue<>(k + 1, (a, b) -> {
            final int byScore = Double.compare(score(query, a), score(query, b));
            return byScore != 0 ? byScore : Integer.compare(b, a);
        });
        for (int i = 0; i < vectors.size(); i++) {
            worstFirst.add(i);
            if (worstFirst.size() > k) {
                worstFirst.poll();
            }
        }
        final List<String> best = new ArrayList<>(worstFirst.size());
        while (!worstFirst.isEmpty()) {
            best.add(0, ids.get(worstFirst.poll()));
        }
        return best;
    }

    private double score(final float[] query, final int i) {
        return dot(query, vectors.get(i));
    }

    public static double dot(final float[] a, final float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
