package dev.mlbatch.plugins.sink.opensearch;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces {@code %{pattern}} parts of a name (index names, key prefixes) with the current UTC time formatted with
 * {@link DateTimeFormatter} patterns, e.g. {@code vectors-%{yyyy.MM.dd}}. Patterns are compiled once, so a bad
 * pattern fails at start-up.
 */
public final class DatePatternFormatter {
    private final List<String> literals = new ArrayList<>();
    private final List<DateTimeFormatter> formatters = new ArrayList<>();
    private final Clock clock;

    public DatePatternFormatter(final String format, final String optionName, final Clock clock) {
        this.clock = clock;
        int from = 0;
        int start;
        while ((start = format.indexOf("%{", from)) != -1) {
            final int end = format.indexOf('}', start + 2);
            if (end == -1) {
                throw new IllegalArgumentException(optionName + " '" + format + "' has an unclosed %{ at position " + start);
            }
            literals.add(format.substring(from, start));
            final String pattern = format.substring(start + 2, end);
            try {
                formatters.add(DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC));
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException(optionName + " '" + format + "' has an invalid date pattern %{" + pattern + "}: "
                        + e.getMessage(), e);
            }
            from = end + 1;
        }
        literals.add(format.substring(from));
    }

    public DatePatternFormatter(final String format, final String optionName) {
        this(format, optionName, Clock.systemUTC());
    }

    public boolean hasDatePattern() {
        return !formatters.isEmpty();
    }

    /** Formats with the current time. */
    public String format() {
        if (formatters.isEmpty()) {
            return literals.get(0);
        }
        final ZonedDateTime now = ZonedDateTime.now(clock);
        final StringBuilder result = new StringBuilder(literals.get(0));
        for (int i = 0; i < formatters.size(); i++) {
            result.append(formatters.get(i).format(now)).append(literals.get(i + 1));
        }
        return result.toString();
    }

    /** Applies the date patterns of an already event-formatted string (its %{...} parts must be the configured ones). */
    public static String formatDates(final String value, final Clock clock) {
        if (!value.contains("%{")) {
            return value;
        }
        return new DatePatternFormatter(value, "value", clock).format();
    }
}
