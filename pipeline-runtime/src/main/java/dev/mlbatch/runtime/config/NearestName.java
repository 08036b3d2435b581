package dev.mlbatch.runtime.config;

import org.apache.commons.text.similarity.LevenshteinDistance;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** Picks the valid name a misspelt one was most likely meant to be, for "did you mean ...?" in start-up errors. */
public final class NearestName {
    private static final LevenshteinDistance DISTANCE = LevenshteinDistance.getDefaultInstance();

    private NearestName() {
    }

    /** The closest candidate, if it is close enough to be a plausible typo (or differs only in case, '-' or '_'). */
    public static Optional<String> among(final String wrong, final Collection<String> candidates) {
        if (wrong == null || wrong.isEmpty()) {
            return Optional.empty();
        }
        final String normalizedWrong = normalize(wrong);
        for (final String candidate : candidates) {
            if (!candidate.equals(wrong) && normalize(candidate).equals(normalizedWrong)) {
                return Optional.of(candidate);
            }
        }
        final int allowed = wrong.length() <= 4 ? 1 : wrong.length() <= 8 ? 2 : 3;
        return candidates.stream()
                .filter(candidate -> !candidate.equals(wrong))
                .map(candidate -> new Scored(candidate, distance(wrong.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT))))
                .filter(scored -> scored.distance() <= allowed)
                .min(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                .map(Scored::name);
    }

    /** {@code "; did you mean 'x'?"} to append to a message, or an empty string when no candidate is close. */
    public static String suggestion(final String wrong, final Collection<String> candidates) {
        return among(wrong, candidates).map(name -> "; did you mean '" + name + "'?").orElse("");
    }

    /** Levenshtein distance, except that two swapped neighbours ("fiel" for "file") count as one typo. */
    private static int distance(final String a, final String b) {
        if (a.length() == b.length()) {
            int first = -1;
            int differences = 0;
            for (int i = 0; i < a.length(); i++) {
                if (a.charAt(i) != b.charAt(i)) {
                    first = differences == 0 ? i : first;
                    differences++;
                }
            }
            if (differences == 2 && first + 1 < a.length() && a.charAt(first) == b.charAt(first + 1)
                    && a.charAt(first + 1) == b.charAt(first)) {
                return 1;
            }
        }
        return DISTANCE.apply(a, b);
    }

    /** camelCase, snake_case and kebab-case spellings of one name compare equal. */
    private static String normalize(final String name) {
        return name.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    private record Scored(String name, int distance) {
    }
}
