package dev.mlbatch.plugins.sink.s3;

import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventHandle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * The events of one future object: their encoded (and possibly compressed) bytes and their handles. Not
 * thread-safe: the sink fills it under its lock, and one thread finishes and uploads it after taking it out.
 */
public final class ObjectBuffer {
    private final OutputFormat format;
    private final Function<Event, String> toJson;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
    private final OutputStream out;
    private final List<EventHandle> handles = new ArrayList<>();
    private long encodedBytes;
    private long firstEventNanos;

    public ObjectBuffer(final OutputFormat format, final Function<Event, String> toJson, final CompressionOption compression) {
        this.format = format;
        this.toJson = toJson;
        try {
            this.out = compression.wrap(bytes);
            write(format.header());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void add(final Event event, final long nowNanos) {
        if (handles.isEmpty()) {
            firstEventNanos = nowNanos;
        }
        try {
            write(format.encode(toJson.apply(event), handles.isEmpty()));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        handles.add(event.getEventHandle());
    }

    private void write(final byte[] data) throws IOException {
        out.write(data);
        encodedBytes += data.length;
    }

    public int eventCount() {
        return handles.size();
    }

    /** Bytes written so far before compression: what threshold.maximum_size is compared with. */
    public long encodedBytes() {
        return encodedBytes;
    }

    public long firstEventNanos() {
        return firstEventNanos;
    }

    public List<EventHandle> handles() {
        return Collections.unmodifiableList(handles);
    }

    /** Closes the format and the compression; returns the whole object. */
    public byte[] finish() {
        try {
            write(format.footer());
            out.close();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
