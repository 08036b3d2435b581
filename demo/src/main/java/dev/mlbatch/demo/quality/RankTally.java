package dev.mlbatch.demo.quality;

import java.util.List;
import java.util.Locale;

/** How often a search put the expected record first, in its top 3 and in its top 10, over a set of questions. */
public final class RankTally {

    private final String source;
    private int questions;
    private int first;
    private int topThree;
    private int topTen;
    private long millis;
    private boolean timed;

    public RankTally(final String source) {
        this.source = source;
    }

    /** One question: the ids a search answered with, best first, and the time the server took to answer. */
    public void count(final String expectedId, final List<String> answeredIds, final long tookMillis) {
        millis += tookMillis;
        timed = true;
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

    /** Mean milliseconds per question, where {@link #count(String, List, long)} timed them, else 0. */
    public double meanMillis() {
        return questions == 0 ? 0 : (double) millis / questions;
    }

    /** One table row: the source, its three shares and, where timed, the mean time per question. */
    public String row() {
        return String.format(Locale.ROOT, "  %-50s %6.3f %6.3f %6.3f%s", source, top1(), top3(), top10(),
                !timed ? "" : String.format(Locale.ROOT, " %7.1f", meanMillis()));
    }
}
