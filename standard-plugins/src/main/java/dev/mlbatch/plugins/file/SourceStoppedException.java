package dev.mlbatch.plugins.file;

/** Unwinds the read loop when the source is stopped while it waits for buffer room. */
final class SourceStoppedException extends RuntimeException {
    SourceStoppedException() {
        super("source stopped", null, false, false);
    }
}
