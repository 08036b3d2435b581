package dev.mlbatch.bench.peer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongSupplier;

/** Probe: complete lines in a file a sink appends to, counted incrementally (only the new bytes are read). */
final class OutputLines implements LongSupplier {
    private final Path file;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    private long offset;
    private long lines;

    OutputLines(final Path file) {
        this.file = file;
    }

    @Override
    public long getAsLong() {
        if (!Files.exists(file)) {
            return 0;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int read;
            while ((read = channel.read(buffer.clear(), offset)) > 0) {
                for (int i = 0; i < read; i++) {
                    if (buffer.get(i) == '\n') {
                        lines++;
                    }
                }
                offset += read;
            }
            return lines;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
