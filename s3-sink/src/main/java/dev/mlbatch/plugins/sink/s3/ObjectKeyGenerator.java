package dev.mlbatch.plugins.sink.s3;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Object keys as upstream names them: {@code <path_prefix>events-<yyyy-MM-dd'T'HH-mm-ss'Z'>-<epoch nanos>-<uuid>.<ext>[.gz]},
 * with {@code %{pattern}} date parts of the prefix filled in with the UTC time of the write.
 */
public class ObjectKeyGenerator {
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'");

    private final List<String> literals = new ArrayList<>();
    private final List<DateTimeFormatter> datePatterns = new ArrayList<>();
    private final String suffix;
    private final Clock clock;

    public ObjectKeyGenerator(final String pathPrefix, final String extension, final CompressionOption compression,
                              final Clock clock) {
        this.clock = clock;
        this.suffix = "." + extension + compression.keySuffix();
        if (pathPrefix.contains("${")) {
            throw new IllegalArgumentException("object_key.path_prefix '" + pathPrefix
                    + "' uses ${...}; this sink supports date patterns %{...} only");
        }
        int from = 0;
        int start;
        while ((start = pathPrefix.indexOf("%{", from)) != -1) {
            final int end = pathPrefix.indexOf('}', start);
            if (end == -1) {
                throw new IllegalArgumentException("object_key.path_prefix '" + pathPrefix + "' has an unclosed %{");
            }
            literals.add(pathPrefix.substring(from, start));
            final String pattern = pathPrefix.substring(start + 2, end);
            try {
                datePatterns.add(DateTimeFormatter.ofPattern(pattern));
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException("object_key.path_prefix '" + pathPrefix + "' has an invalid date pattern %{"
                        + pattern + "}: " + e.getMessage(), e);
            }
            from = end + 1;
        }
        literals.add(pathPrefix.substring(from));
    }

    /** Ordinals are zero-padded to this many digits, so that keys sort in record order. */
    static final int ORDINAL_DIGITS = 10;

    /**
     * {@code object_key.name_from_source}: {@code <path_prefix><source name prefix>-<ordinal of the first record>.<ext>};
     * the prefix has no date patterns in this mode (checked by {@link ObjectKeyOptions}).
     */
    public String sourceKey(final SourceObject source, final long firstOrdinal) {
        final String ordinal = Long.toString(firstOrdinal);
        return literals.get(0) + source.namePrefix() + "-" + "0".repeat(Math.max(0, ORDINAL_DIGITS - ordinal.length()))
                + ordinal + suffix;
    }

    public String nextKey() {
        final Instant instant = clock.instant();
        final ZonedDateTime now = instant.atZone(ZoneOffset.UTC);
        final StringBuilder key = new StringBuilder(literals.get(0));
        for (int i = 0; i < datePatterns.size(); i++) {
            key.append(datePatterns.get(i).format(now)).append(literals.get(i + 1));
        }
        return key.append("events-").append(NAME_TIME.format(now)).append('-').append(instant.getEpochSecond() * 1_000_000_000L + instant.getNano())
                .append('-').append(UUID.randomUUID()).append(suffix).toString();
    }
}
