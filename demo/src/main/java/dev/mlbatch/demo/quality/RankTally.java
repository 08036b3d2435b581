package dev.mlbatch.demo.quality;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** How often a search put the expected record first, in its top 3 and in its top 10, over a set of questions. */
public final class RankTally {

    private final String source;
    private int questions;
    private int first;
    private int topThree;
    private int topTen;
    private long nanos;

    public RankTally(final String source) {
        this.source = source;
    }

    /** One question asked of a search that answers with ids, best first; the time it takes is counted too. */
    public void ask(final String expectedId, final Supplier<List<String>> search) {
        final long t0 = System.nanoTime();
        final List<String> answeredIds = search.get();
        nanos += System.nanoTime() - t0;
        count(expectedId, answeredIds);
    }

    /** One question: the ids a search answered with, best first. */
    public void count(final String expectedId, final List<String> answeredIds) {
        final int rank = answeredIds.indexOf(expectedId) + 1;
        questions++;
        first += rank == 1 ? 1 : 0;
        topThree += rank >= 1 && rank <= 3 ? 1 : 0;
        topTen += rank >= 1 && rank <= 10 ? 1 : 0;
    }

    public String source() {
        return source;
    }

    public int questions() {
        return questions;
    }

    public double top1() {
        return share(first);
    }

    public double top3() {
        return share(topThree);
    }

    public double top10() {
        return share(topTen);
    }

    private double share(final int hits) {
        return questions == 0 ? 0 : (double) hits / questions;
    }

    /** Mean milliseconds per question, where {@link #ask} timed them, else 0. */
    public double meanMillis() {
        return questions == 0 ? 0 : nanos / 1e6 / questions;
    }

    /** One table row: the source, its three shares and, where timed, the mean time per question. */
    public String row() {
        return String.format(Locale.ROOT, "  %-50s %6.3f %6.3f %6.3f%s", source, top1(), top3(), top10(),
                nanos == 0 ? "" : String.format(Locale.ROOT, " %7.1f", meanMillis()));
    }
}
