package dev.mlbatch.plugins.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads line-oriented JSON (ND-JSON): each line holds one JSON object, several concatenated objects, or an array of
 * objects. Lines are independent, so a malformed line is reported with its number and skipped, and reading goes
 * on with the next line.
 *
 * <p>A line that ends inside a value (a pretty-printed object) is joined with the following lines until the value
 * is complete, up to {@link #MAX_LINES_PER_RECORD} lines / {@link #MAX_CHARS_PER_RECORD} characters. If the joined
 * text turns out to be malformed, only the first line is reported and the following lines are read again on their
 * own, so a truncated line never takes good lines down with it.
 *
 * <p>Thread-safe: all state lives in one {@link #read} call.
 */
public final class JsonLinesReader {
    static final int MAX_LINES_PER_RECORD = 1_000;
    static final int MAX_CHARS_PER_RECORD = 4 << 20;

    private final ObjectMapper mapper;
    private final boolean includeEmptyObjects;

    /**
     * @param mapper              parses the lines; shared, so build it once
     * @param includeEmptyObjects whether {@code {}} is passed on (true) or dropped as carrying no data (false)
     */
    public JsonLinesReader(final ObjectMapper mapper, final boolean includeEmptyObjects) {
        this.mapper = mapper;
        this.includeEmptyObjects = includeEmptyObjects;
    }

    /**
     * Reads every line of {@code reader}; objects go to {@code objects} and malformed lines to {@code malformed},
     * both in input order.
     *
     * @param firstLineNumber the line number of the reader's first line (1 for a whole file)
     */
    public void read(final BufferedReader reader, final long firstLineNumber, final Consumer<ObjectNode> objects,
                     final MalformedRecordHandler malformed) throws IOException {
        new Run(reader, firstLineNumber, (object, first, last) -> objects.accept(object), malformed).readAll();
    }

    /** As {@link #read(BufferedReader, long, Consumer, MalformedRecordHandler)}, telling which lines each object came from. */
    public void read(final BufferedReader reader, final long firstLineNumber, final LinesConsumer objects,
                     final MalformedRecordHandler malformed) throws IOException {
        new Run(reader, firstLineNumber, objects, malformed).readAll();
    }

    /** Receives an object with the first and last line of the text it was parsed from. */
    @FunctionalInterface
    public interface LinesConsumer {
        void accept(ObjectNode object, long firstLine, long lastLine);
    }

    private enum Outcome { COMPLETE, INCOMPLETE, MALFORMED }

    private static final class NumberedLine {
        final long number;
        final String text;

        NumberedLine(final long number, final String text) {
            this.number = number;
            this.text = text;
        }
    }

    private final class Run {
        private final BufferedReader reader;
        private final LinesConsumer objects;
        private final MalformedRecordHandler malformed;
        private final Deque<NumberedLine> rereads = new ArrayDeque<>();
        private final List<ObjectNode> parsed = new ArrayList<>(2);
        private final long firstLineNumber;
        private long nextLineNumber;
        private MalformedRecord lastError;

        Run(final BufferedReader reader, final long firstLineNumber, final LinesConsumer objects,
            final MalformedRecordHandler malformed) {
            this.reader = reader;
            this.firstLineNumber = firstLineNumber;
            this.nextLineNumber = firstLineNumber;
            this.objects = objects;
            this.malformed = malformed;
        }

        void readAll() throws IOException {
            NumberedLine line;
            while ((line = nextLine()) != null) {
                if (line.text.isBlank()) {
                    continue;
                }
                final Outcome outcome = parse(line.text, line.number);
                if (outcome == Outcome.COMPLETE) {
                    emitParsed(line.number, line.number);
                } else if (outcome == Outcome.MALFORMED) {
                    malformed.onMalformedRecord(lastError);
                } else {
                    readContinuation(line);
                }
            }
        }

        /** The value started on {@code first} continues on the next lines. */
        private void readContinuation(final NumberedLine first) throws IOException {
            final List<NumberedLine> joined = new ArrayList<>();
            joined.add(first);
            final StringBuilder text = new StringBuilder(first.text);
            while (true) {
                if (joined.size() >= MAX_LINES_PER_RECORD || text.length() >= MAX_CHARS_PER_RECORD) {
                    malformed.onMalformedRecord(new MalformedRecord(first.number, -1,
                            "JSON value is not complete after " + joined.size() + " lines (" + text.length() + " characters)"));
                    rereadAfterFirst(joined);
                    return;
                }
                final NumberedLine next = nextLine();
                if (next == null) {
                    malformed.onMalformedRecord(new MalformedRecord(first.number, -1,
                            "unexpected end of input: the JSON value starting on this line is not complete"));
                    rereadAfterFirst(joined);
                    return;
                }
                joined.add(next);
                text.append('\n').append(next.text);
                final Outcome outcome = parse(text.toString(), first.number);
                if (outcome == Outcome.COMPLETE) {
                    emitParsed(first.number, next.number);
                    return;
                }
                if (outcome == Outcome.MALFORMED) {
                    final MalformedRecord error = lastError;
                    malformed.onMalformedRecord(new MalformedRecord(first.number, -1, error.getReason()
                            + " (in the value starting on this line; detected at line " + error.getLineNumber()
                            + (error.getColumnNumber() > 0 ? ", column " + error.getColumnNumber() : "") + ")"));
                    rereadAfterFirst(joined);
                    return;
                }
            }
        }

        private void rereadAfterFirst(final List<NumberedLine> joined) {
            for (int i = joined.size() - 1; i >= 1; i--) {
                rereads.addFirst(joined.get(i));
            }
        }

        private NumberedLine nextLine() throws IOException {
            if (!rereads.isEmpty()) {
                return rereads.pollFirst();
            }
            String text = reader.readLine();
            if (text == null) {
                return null;
            }
            if (nextLineNumber == firstLineNumber && !text.isEmpty() && text.charAt(0) == '\uFEFF') {
                text = text.substring(1);
            }
            return new NumberedLine(nextLineNumber++, text);
        }

        private void emitParsed(final long firstLine, final long lastLine) {
            for (final ObjectNode node : parsed) {
                if (includeEmptyObjects || !node.isEmpty()) {
                    objects.accept(node, firstLine, lastLine);
                }
            }
            parsed.clear();
        }

        /** Parses every value in {@code text} into {@link #parsed}; on failure sets {@link #lastError}. */
        private Outcome parse(final String text, final long lineNumber) {
            parsed.clear();
            try (JsonParser parser = mapper.createParser(text)) {
                JsonToken token;
                while ((token = parser.nextToken()) != null) {
                    if (token == JsonToken.START_OBJECT) {
                        parsed.add(mapper.readTree(parser));
                    } else if (token == JsonToken.START_ARRAY) {
                        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                            if (token != JsonToken.START_OBJECT) {
                                return malformedAt(parser, lineNumber, "array element is not a JSON object but " + JsonTokens.describe(token));
                            }
                            parsed.add(mapper.readTree(parser));
                        }
                    } else {
                        return malformedAt(parser, lineNumber, "expected a JSON object but found " + JsonTokens.describe(token));
                    }
                }
                return Outcome.COMPLETE;
            } catch (final JsonProcessingException syntaxError) {
                parsed.clear();
                lastError = MalformedRecord.fromParseError(syntaxError, lineNumber);
                return endsInsideValue(syntaxError, text) ? Outcome.INCOMPLETE : Outcome.MALFORMED;
            } catch (final IOException unexpected) {
                // Parsing a String does no I/O; keep the line's report honest anyway.
                parsed.clear();
                lastError = new MalformedRecord(lineNumber, -1, String.valueOf(unexpected.getMessage()));
                return Outcome.MALFORMED;
            }
        }

        /** True when the parser ran out of text mid-value, i.e. more lines may complete it. */
        private boolean endsInsideValue(final JsonProcessingException error, final String text) {
            if (error instanceof JsonEOFException) {
                return true;
            }
            // Some truncations (e.g. after a comma between fields) are reported as plain parse errors at the end.
            return error.getLocation() != null && error.getLocation().getCharOffset() >= text.length();
        }

        private Outcome malformedAt(final JsonParser parser, final long lineNumber, final String reason) {
            parsed.clear();
            final long line = lineNumber + parser.currentTokenLocation().getLineNr() - 1;
            lastError = new MalformedRecord(line, parser.currentTokenLocation().getColumnNr(), reason);
            return Outcome.MALFORMED;
        }
    }
}
