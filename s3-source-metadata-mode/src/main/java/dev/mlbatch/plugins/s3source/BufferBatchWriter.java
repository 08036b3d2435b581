package dev.mlbatch.plugins.s3source;

import org.opensearch.dataprepper.model.buffer.Buffer;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Collects records and writes them to the buffer {@code records_to_accumulate} at a time. A full buffer is
 * back-pressure, not an error: the write is retried until it succeeds or the source is told to abort.
 */
public class BufferBatchWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BufferBatchWriter.class);

    private final Buffer<Record<Event>> buffer;
    private final int batchSize;
    private final int timeoutMillis;
    private final BooleanSupplier abortRequested;
    private List<Record<Event>> pending;
    private long written = 0;

    public BufferBatchWriter(final Buffer<Record<Event>> buffer, final int batchSize, final Duration bufferTimeout,
                             final BooleanSupplier abortRequested) {
        this.buffer = buffer;
        this.batchSize = batchSize;
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, bufferTimeout.toMillis());
        this.abortRequested = abortRequested;
        this.pending = new ArrayList<>(batchSize);
    }

    public void add(final Record<Event> record) {
        pending.add(record);
        if (pending.size() >= batchSize) {
            flush();
        }
    }

    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        int timeouts = 0;
        while (true) {
            try {
                buffer.writeAll(pending, timeoutMillis);
                written += pending.size();
                pending = new ArrayList<>(batchSize);
                return;
            } catch (final TimeoutException e) {
                timeouts++;
                if (timeouts % 6 == 1) {
                    LOG.info("Buffer is full; still waiting to write {} records ({} timeouts so far)", pending.size(), timeouts);
                }
            } catch (final Exception e) {
                throw new IllegalStateException("buffer rejected " + pending.size() + " records: " + e.getMessage(), e);
            }
            if (abortRequested.getAsBoolean()) {
                throw new ReadAbortedException("source is stopping while the buffer is full");
            }
        }
    }

    /** Records written to the buffer so far. */
    public long getWritten() {
        return written;
    }

    /** Thrown when the source stops while a read is in progress (unchecked: it crosses the codec's consumer). */
    public static class ReadAbortedException extends RuntimeException {
        public ReadAbortedException(final String message) {
            super(message);
        }
    }
}
