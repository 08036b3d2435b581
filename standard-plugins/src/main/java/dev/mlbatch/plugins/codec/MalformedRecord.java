package dev.mlbatch.plugins.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.util.Objects;

/**
 * Where one unreadable record sits in the input, and why it could not be read. Line and column are 1-based;
 * {@code columnNumber} is -1 when the parser could not tell. The reason is the parser's message without the
 * input excerpt Jackson normally appends, so logging it does not copy document content into the log.
 */
public final class MalformedRecord {
    private final long lineNumber;
    private final long columnNumber;
    private final String reason;

    public MalformedRecord(final long lineNumber, final long columnNumber, final String reason) {
        this.lineNumber = lineNumber;
        this.columnNumber = columnNumber;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Describes a Jackson parse error. {@code firstLineNumber} is the input line the parser's line 1 corresponds
     * to, for parsers that were started part-way through the input.
     */
    static MalformedRecord fromParseError(final JsonProcessingException error, final long firstLineNumber) {
        final JsonLocation location = error.getLocation();
        final String reason = error.getOriginalMessage() == null ? error.getClass().getSimpleName() : error.getOriginalMessage();
        if (location == null || location.getLineNr() < 1) {
            return new MalformedRecord(firstLineNumber, -1, firstLine(reason));
        }
        return new MalformedRecord(firstLineNumber + location.getLineNr() - 1, location.getColumnNr(), firstLine(reason));
    }

    private static String firstLine(final String text) {
        final int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    public long getLineNumber() {
        return lineNumber;
    }

    public long getColumnNumber() {
        return columnNumber;
    }

    public String getReason() {
        return reason;
    }

    @Override
    public String toString() {
        return "line " + lineNumber + (columnNumber > 0 ? ", column " + columnNumber : "") + ": " + reason;
    }
}
