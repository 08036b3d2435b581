package dev.mlbatch.demo.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * When one chaos run kills what (SIGKILL), drawn from a seeded {@link SplittableRandom}, so a run can be repeated with
 * the same seed. Not {@code java.util.Random}: its first draws for consecutive seeds (the runs of one benchmark) are
 * almost equal, which put every run's stage-1 kill at the same point. Stage 1 is killed at a point of its own run (it ends before the others start); stage 2, stage 3, the
 * services JVM (model service, S3 and gateway share it) and the OpenSearch node at points measured from the moment
 * stages 2 and 3 were started, in the order those points fall.
 */
public record KillSchedule(long seed, double stage1Seconds, List<Kill> kills) {

    /** What can be killed. */
    public enum Target {
        STAGE_1("stage 1"), STAGE_2("stage 2"), STAGE_3("stage 3"),
        MODEL_SERVICE("model service"), OPENSEARCH("OpenSearch");

        private final String label;

        Target(final String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** One kill {@code seconds} after stages 2 and 3 were started. */
    public record Kill(Target target, double seconds) {
    }

    /**
     * Points spread over the time the stages of a modest load work: stage 1's JVM start and its one scan take
     * 3-8 s; a provider job appears 3-8 s after stage 2 starts and runs some seconds; stage 3 indexes after it.
     */
    public static KillSchedule draw(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final double stage1 = between(random, 1.0, 7.0);
        final List<Kill> kills = new ArrayList<>();
        kills.add(new Kill(Target.STAGE_2, between(random, 2.0, 12.0)));
        kills.add(new Kill(Target.STAGE_3, between(random, 3.0, 20.0)));
        kills.add(new Kill(Target.MODEL_SERVICE, between(random, 4.0, 16.0)));
        kills.add(new Kill(Target.OPENSEARCH, between(random, 4.0, 24.0)));
        kills.sort(Comparator.comparingDouble(Kill::seconds));
        return new KillSchedule(seed, stage1, List.copyOf(kills));
    }

    private static double between(final SplittableRandom random, final double from, final double to) {
        // Tenths of a second, as printed, so that the printed plan is the plan.
        return Math.round((from + random.nextDouble() * (to - from)) * 10) / 10.0;
    }

    /** e.g. {@code seed 42: stage 1 at 3.1 s; then stage 2 at 4.0 s, OpenSearch at 9.3 s, ...}. */
    public String describe() {
        return String.format(Locale.ROOT, "seed %d: %s at %.1f s of its run; after stages 2 and 3 started: %s", seed,
                Target.STAGE_1, stage1Seconds, kills.stream()
                        .map(k -> String.format(Locale.ROOT, "%s at %.1f s", k.target(), k.seconds()))
                        .collect(Collectors.joining(", ")));
    }
}
