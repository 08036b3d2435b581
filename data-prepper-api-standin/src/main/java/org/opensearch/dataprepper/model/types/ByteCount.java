package org.opensearch.dataprepper.model.types;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A size written as in Data Prepper YAML: {@code 50mb}, {@code 1kb}, {@code 100b}. */
public class ByteCount {
    private static final Pattern BYTE_COUNT = Pattern.compile("^(?<value>\\d+(\\.\\d+)?)\\s*(?<unit>[a-z]+)?$");
    private final long bytes;

    private ByteCount(final long bytes) {
        this.bytes = bytes;
    }

    public long getBytes() {
        return bytes;
    }

    public static ByteCount ofBytes(final long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("The argument provided for bytes is negative.");
        }
        return new ByteCount(bytes);
    }

    public static ByteCount parse(final String string) {
        final Matcher matcher = BYTE_COUNT.matcher(string.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Unable to parse bytes provided by '" + string + "'; use a number and a unit: b, kb, mb, gb");
        }
        final String unitName = matcher.group("unit");
        if (unitName == null) {
            throw new IllegalArgumentException("Byte counter must have a unit (b, kb, mb, gb): '" + string + "'");
        }
        final long multiplier;
        switch (unitName) {
            case "b": multiplier = 1L; break;
            case "kb": multiplier = 1024L; break;
            case "mb": multiplier = 1024L * 1024; break;
            case "gb": multiplier = 1024L * 1024 * 1024; break;
            default: throw new IllegalArgumentException("Invalid byte unit '" + unitName + "' in '" + string + "'; use b, kb, mb or gb");
        }
        final double value = Double.parseDouble(matcher.group("value"));
        final double bytes = value * multiplier;
        if (unitName.equals("b") && value != Math.floor(value)) {
            throw new IllegalArgumentException("A byte count in bytes must be a whole number: '" + string + "'");
        }
        return new ByteCount((long) bytes);
    }
}
