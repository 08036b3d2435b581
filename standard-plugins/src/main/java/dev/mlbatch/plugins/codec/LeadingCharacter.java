package dev.mlbatch.plugins.codec;

import java.io.IOException;
import java.io.InputStream;

/** Peeks at the first non-blank byte of a stream without consuming anything, so a codec can pick a reading mode. */
final class LeadingCharacter {
    private LeadingCharacter() {
    }

    /**
     * @param input    must support mark/reset
     * @param maxPeek  how far to look; input that is blank for longer is treated as having no leading character
     * @return the first byte that is not whitespace or part of a UTF-8 byte-order mark, or -1
     */
    static int of(final InputStream input, final int maxPeek) throws IOException {
        input.mark(maxPeek);
        try {
            for (int i = 0; i < maxPeek; i++) {
                final int b = input.read();
                if (b == -1) {
                    return -1;
                }
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n' && b != 0xEF && b != 0xBB && b != 0xBF) {
                    return b;
                }
            }
            return -1;
        } finally {
            input.reset();
        }
    }
}
