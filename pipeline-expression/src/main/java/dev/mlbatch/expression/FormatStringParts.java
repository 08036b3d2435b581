package dev.mlbatch.expression;

import java.util.ArrayList;
import java.util.List;

/** The {@code ${...}} parts of a format string such as {@code "index-${/type}-${getMetadata(\"day\")}"}. */
final class FormatStringParts {
    private final List<String> parts;
    private final boolean complete;

    private FormatStringParts(final List<String> parts, final boolean complete) {
        this.parts = parts;
        this.complete = complete;
    }

    static FormatStringParts of(final String format) {
        final List<String> parts = new ArrayList<>();
        int from = 0;
        int start;
        while ((start = format.indexOf("${", from)) != -1) {
            final int end = format.indexOf('}', start + 2);
            if (end == -1) {
                return new FormatStringParts(parts, false);
            }
            parts.add(format.substring(start + 2, end));
            from = end + 1;
        }
        return new FormatStringParts(parts, true);
    }

    /** The text between each {@code ${} and the next {@code }}, in order; up to an unclosed {@code ${}. */
    List<String> parts() {
        return parts;
    }

    /** False when a {@code ${} is never closed. */
    boolean isComplete() {
        return complete;
    }
}
