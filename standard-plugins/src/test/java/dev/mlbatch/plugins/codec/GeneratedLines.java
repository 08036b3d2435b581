package dev.mlbatch.plugins.codec;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/** An input stream of generated lines, produced on demand so large inputs never exist in memory. */
final class GeneratedLines extends InputStream {
    private final int lines;
    private final IntFunction<String> line;
    private int next;
    private byte[] current = new byte[0];
    private int position;

    GeneratedLines(final int lines, final IntFunction<String> line) {
        this.lines = lines;
        this.line = line;
    }

    @Override
    public int read() {
        if (!fill()) {
            return -1;
        }
        return current[position++] & 0xff;
    }

    @Override
    public int read(final byte[] buffer, final int offset, final int length) {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        final int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }

    private boolean fill() {
        while (position >= current.length) {
            if (next >= lines) {
                return false;
            }
            current = (line.apply(next++) + "\n").getBytes(StandardCharsets.UTF_8);
            position = 0;
        }
        return true;
    }
}
