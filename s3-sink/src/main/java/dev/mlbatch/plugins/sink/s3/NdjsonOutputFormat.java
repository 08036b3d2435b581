package dev.mlbatch.plugins.sink.s3;

import org.opensearch.dataprepper.model.event.Event;

import java.nio.charset.StandardCharsets;

/** {@code codec: ndjson}: one JSON object per line, each line ending in a newline. */
public final class NdjsonOutputFormat implements OutputFormat {
    private static final byte[] NOTHING = new byte[0];

    @Override
    public String extension() {
        return "ndjson";
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
    public byte[] encode(final Event event, final boolean first) {
        return (event.toJsonString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footer() {
        return NOTHING;
    }
}
