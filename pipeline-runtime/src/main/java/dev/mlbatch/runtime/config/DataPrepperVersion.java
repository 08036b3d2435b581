package dev.mlbatch.runtime.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A pipeline file's {@code version}: "2" or "2.17", checked against the running version as upstream does. */
public record DataPrepperVersion(int major, Integer minor) {
    private static final Pattern FORMAT = Pattern.compile("^(\\d+)(?:\\.(\\d+))?$");

    public static DataPrepperVersion parse(final String text) {
        final Matcher matcher = FORMAT.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("invalid version '" + text + "'; expected a major version like \"2\" or \"2.17\"");
        }
        return new DataPrepperVersion(Integer.parseInt(matcher.group(1)),
                matcher.group(2) == null ? null : Integer.parseInt(matcher.group(2)));
    }

    /** True when a file written for {@code other} can run here. */
    public boolean isCompatibleWith(final DataPrepperVersion other) {
        if (other.major != major) {
            return other.major < major;
        }
        return other.minor == null || minor == null || other.minor <= minor;
    }

    @Override
    public String toString() {
        return minor == null ? String.valueOf(major) : major + "." + minor;
    }
}
