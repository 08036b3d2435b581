package dev.mlbatch.plugins.s3enrich;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Remembers whether a reader saw the end of the stream, so a parse failure can be told apart from a cut-off read. */
final class EndTrackingInputStream extends FilterInputStream {
    private boolean reachedEnd;

    EndTrackingInputStream(final InputStream in) {
        super(in);
    }

    boolean reachedEnd() {
        return reachedEnd;
    }

    @Override
    public int read() throws IOException {
        final int b = super.read();
        reachedEnd |= b < 0;
        return b;
    }

    @Override
    public int read(final byte[] buffer, final int offset, final int length) throws IOException {
        final int n = super.read(buffer, offset, length);
        reachedEnd |= n < 0;
        return n;
    }
}
