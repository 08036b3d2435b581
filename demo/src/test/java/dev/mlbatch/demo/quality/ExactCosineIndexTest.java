package dev.mlbatch.demo.quality;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExactCosineIndexTest {

    private static float[] unit(final double angle) {
        return new float[]{(float) Math.cos(angle), (float) Math.sin(angle)};
    }

    @Test
    void ranksByCosineBestFirstAndKeepsInsertionOrderOnTies() {
        final ExactCosineIndex index = new ExactCosineIndex();
        index.add("far", unit(2.0));
        index.add("near", unit(0.1));
        index.add("nearest", unit(0.0));
        index.add("tie-with-near", unit(-0.1));
        index.add("middle", unit(1.0));
        assertEquals(List.of("nearest", "near", "tie-with-near"), index.top(unit(0.0), 3));
        assertEquals(List.of("nearest", "near", "tie-with-near", "middle", "far"), index.top(unit(0.0), 10));
        assertEquals(List.of("far", "middle"), index.top(unit(2.1), 2));
    }

    @Test
    void tallyCountsFirstTopThreeAndTopTen() {
        final RankTally tally = new RankTally("test");
        tally.count("a", List.of("a", "b", "c"));
        tally.count("c", List.of("a", "b", "c"));
        tally.count("j", List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"));
        tally.count("z", List.of("a", "b"), 4);
        assertEquals(4, tally.questions());
        assertEquals(0.25, tally.top1());
        assertEquals(0.5, tally.top3());
        assertEquals(0.75, tally.top10());
        assertEquals(1.0, tally.meanMillis());
    }
}
