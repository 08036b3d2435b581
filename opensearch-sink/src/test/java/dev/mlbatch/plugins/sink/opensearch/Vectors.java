package dev.mlbatch.plugins.sink.opensearch;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic unit vectors, so a document's own vector is its nearest neighbour. */
final class Vectors {
    private Vectors() {
    }

    static List<Float> unit(final long seed, final int dimension) {
        final Random random = new Random(seed);
        final float[] values = new float[dimension];
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            values[i] = (float) random.nextGaussian();
            norm += values[i] * values[i];
        }
        final List<Float> vector = new ArrayList<>(dimension);
        for (final float v : values) {
            vector.add((float) (v / Math.sqrt(norm)));
        }
        return vector;
    }
}
