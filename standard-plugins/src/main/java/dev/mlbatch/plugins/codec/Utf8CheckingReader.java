package dev.mlbatch.plugins.codec;

import org.opensearch.dataprepper.model.event.Event;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Decodes UTF-8 like {@code InputStreamReader} does (each malformed byte sequence becomes U+FFFD), but remembers on
 * which lines that happened, so a codec can mark the records built from those lines instead of changing their
 * text silently. Lines are counted as {@code BufferedReader.readLine} and Jackson count them ({@code \n}, {@code \r},
 * {@code \r\n}), starting at 1. Not thread-safe: one instance per parse.
 */
public final class Utf8CheckingReader extends Reader {
    /** Tag added to an event whose record held bytes that are not valid UTF-8 (they were replaced by U+FFFD). */
    public static final String INVALID_UTF8_TAG = "invalid_utf8";
    /** Event metadata attribute: the first line of the record that held invalid UTF-8 (a Long). */
    public static final String INVALID_UTF8_LINE_ATTRIBUTE = "invalid_utf8_line";

    private static final int BYTE_BUFFER = 1 << 16;

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BYTE_BUFFER);
    /** Lines holding a replacement that no record has claimed yet, ascending, each once. */
    private final Deque<Long> pendingLines = new ArrayDeque<>();
    private long line = 1;
    private boolean previousWasCr;
    private boolean endOfInput;
    private boolean flushed;
    /** A char decoded but not yet handed out (a replacement, or the low half of a surrogate pair): -1 when none. */
    private int pendingChar = -1;
    private final CharBuffer pair = CharBuffer.allocate(2);
    private long replacements;

    public Utf8CheckingReader(final InputStream in) {
        this.in = in;
        bytes.flip();
    }

    @Override
    public int read(final char[] cbuf, final int off, final int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        final CharBuffer out = CharBuffer.wrap(cbuf, off, len);
        while (out.position() == off) {
            if (pendingChar >= 0) {
                out.put((char) pendingChar);
                pendingChar = -1;
                continue;
            }
            if (flushed) {
                return -1;
            }
            final int before = out.position();
            final CoderResult result = decoder.decode(bytes, out, endOfInput);
            countLines(cbuf, before, out.position());
            if (result.isMalformed() || result.isUnmappable()) {
                bytes.position(bytes.position() + result.length());
                recordReplacement();
                if (out.hasRemaining()) {
                    out.put('\uFFFD');
                } else {
                    pendingChar = '\uFFFD';
                }
            } else if (result.isUnderflow()) {
                if (endOfInput) {
                    decoder.flush(out);
                    flushed = true;
                } else {
                    fill();
                }
            } else if (out.position() == off) {
                // Overflow with nothing written: a surrogate pair does not fit in a 1-char request. Decode it
                // aside, hand out its high half now and the low half on the next call.
                pair.clear();
                decoder.decode(bytes, pair, endOfInput);
                pair.flip();
                countLines(pair.array(), 0, pair.limit());
                out.put(pair.get());
                if (pair.hasRemaining()) {
                    pendingChar = pair.get();
                }
            } else {
                break;
            }
        }
        return out.position() - off;
    }

    private void fill() throws IOException {
        bytes.compact();
        final int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            endOfInput = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
    }

    private void countLines(final char[] chars, final int from, final int to) {
        for (int i = from; i < to; i++) {
            final char c = chars[i];
            if (c == '\n') {
                if (!previousWasCr) {
                    line++;
                }
                previousWasCr = false;
            } else if (c == '\r') {
                line++;
                previousWasCr = true;
            } else {
                previousWasCr = false;
            }
        }
    }

    private void recordReplacement() {
        replacements++;
        if (pendingLines.isEmpty() || pendingLines.peekLast() != line) {
            pendingLines.addLast(line);
        }
        previousWasCr = false;
    }

    /** How many malformed byte sequences were replaced so far. */
    public long getReplacementCount() {
        return replacements;
    }

    /**
     * The first line in {@code [firstLine, lastLine]} that held invalid UTF-8, or -1. Lines before {@code firstLine}
     * are forgotten, so records must be asked about in input order.
     */
    public long firstInvalidLine(final long firstLine, final long lastLine) {
        while (!pendingLines.isEmpty() && pendingLines.peekFirst() < firstLine) {
            pendingLines.pollFirst();
        }
        final Long first = pendingLines.peekFirst();
        return first != null && first <= lastLine ? first : -1;
    }

    /** Tags the event (and notes the line) when its record, on lines {@code [firstLine, lastLine]}, held invalid UTF-8. */
    public void markIfInvalid(final Event event, final long firstLine, final long lastLine) {
        final long invalid = firstInvalidLine(firstLine, lastLine);
        if (invalid > 0) {
            event.getMetadata().addTags(List.of(INVALID_UTF8_TAG));
            event.getMetadata().setAttribute(INVALID_UTF8_LINE_ATTRIBUTE, invalid);
        }
    }

    @Override
    public void close() {
        // The caller's stream stays open, as with every codec here.
    }
}
