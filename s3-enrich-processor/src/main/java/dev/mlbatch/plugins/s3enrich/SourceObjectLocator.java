package dev.mlbatch.plugins.s3enrich;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps an output object's key to the key of the source object its records came from, as upstream does: the file
 * name (last path segment) of the output key, matched in full by {@code s3_object_name_pattern}; group 1 plus
 * {@code .<codec extension>} is the source name; {@code bucket.filter.include_prefix} goes in front. Without a
 * pattern (ours), the source is named like the output less its {@code .out} (Bedrock names each output
 * {@code <input file name>.out}). A name the pattern does not match is an error here (upstream looks the output
 * name itself up in the source prefix, which cannot be the source).
 */
final class SourceObjectLocator {
    private static final String OUT_SUFFIX = ".out";

    private final String includePrefix;
    private final Pattern namePattern;
    private final String extension;

    SourceObjectLocator(final String includePrefix, final Pattern namePattern, final String extension) {
        this.includePrefix = includePrefix == null ? "" : includePrefix;
        this.namePattern = namePattern;
        this.extension = extension;
    }

    String sourceKeyFor(final String outputKey) throws EnrichmentFailure {
        final String trimmed = outputKey.endsWith("/") ? outputKey.substring(0, outputKey.length() - 1) : outputKey;
        final String fileName = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        if (fileName.isEmpty()) {
            throw new EnrichmentFailure(EnrichmentFailure.Reason.NAME_NOT_MAPPED, outputKey,
                    "output object key '" + outputKey + "' has no file name");
        }
        return includePrefix + sourceName(outputKey, fileName);
    }

    private String sourceName(final String outputKey, final String fileName) throws EnrichmentFailure {
        if (namePattern == null) {
            if (fileName.endsWith(OUT_SUFFIX) && fileName.length() > OUT_SUFFIX.length()) {
                return fileName.substring(0, fileName.length() - OUT_SUFFIX.length());
            }
            throw new EnrichmentFailure(EnrichmentFailure.Reason.NAME_NOT_MAPPED, outputKey,
                    "output object '" + outputKey + "' does not end in .out; set s3_object_name_pattern to map its name to the source object's");
        }
        final Matcher matcher = namePattern.matcher(fileName);
        if (!matcher.matches() || matcher.group(1) == null || matcher.group(1).isBlank()) {
            throw new EnrichmentFailure(EnrichmentFailure.Reason.NAME_NOT_MAPPED, outputKey,
                    "output object name '" + fileName + "' does not match s3_object_name_pattern '" + namePattern.pattern()
                            + "' (or its group 1 is empty)");
        }
        return matcher.group(1) + "." + extension;
    }
}
