package dev.mlbatch.plugins.sink.s3;

import java.nio.charset.StandardCharsets;

/**
 * {@code codec: ndjson}: one JSON object per line, each line ending in a newline. The object key ends in
 * {@code .ndjson} or, with {@code extension: jsonl}, in {@code .jsonl} (what Bedrock batch inference reads).
 */
public final class NdjsonOutputFormat implements OutputFormat {
    static final String DEFAULT_EXTENSION = "ndjson";
    private static final byte[] NOTHING = new byte[0];
    private final String extension;

    public NdjsonOutputFormat(final String extension) {
        this.extension = extension;
    }

    @Override
    public String extension() {
        return extension;
    }

    @Override
    public String contentType() {
        return "application/x-ndjson";
    }

    @Override
    public byte[] header() {
        return NOTHING;
    }

    @Override
    public byte[] encode(final String eventJson, final boolean first) {
        return (eventJson + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footer() {
        return NOTHING;
    }
}
