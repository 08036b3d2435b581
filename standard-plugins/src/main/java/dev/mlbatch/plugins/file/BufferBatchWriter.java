package dev.mlbatch.plugins.file;

import io.micrometer.core.instrument.Counter;
import org.opensearch.dataprepper.model.buffer.Buffer;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Collects records and writes them to the buffer in batches. A full buffer is waited out (the write is retried
 * until it succeeds or the source is stopped), so no record is dropped. A buffer that refuses the batch size
 * (smaller capacity than the batch) gets smaller batches, down to single records.
 */
final class BufferBatchWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BufferBatchWriter.class);

    private final Buffer<Record<Event>> buffer;
    private final int timeoutMillis;
    private final BooleanSupplier stopRequested;
    private final Counter writeTimeouts;
    private final Counter recordsWritten;
    private int batchLimit;
    private List<Record<Event>> pending;
    private long written;

    BufferBatchWriter(final Buffer<Record<Event>> buffer, final int batchSize, final int timeoutMillis,
                      final BooleanSupplier stopRequested, final Counter writeTimeouts, final Counter recordsWritten) {
        this.buffer = buffer;
        this.batchLimit = batchSize;
        this.timeoutMillis = timeoutMillis;
        this.stopRequested = stopRequested;
        this.writeTimeouts = writeTimeouts;
        this.recordsWritten = recordsWritten;
        this.pending = new ArrayList<>(batchSize);
    }

    /** @throws SourceStoppedException when the source was stopped while waiting for buffer room */
    void add(final Record<Event> record) {
        pending.add(record);
        if (pending.size() >= batchLimit) {
            flush();
        }
    }

    /** Writes everything collected so far. */
    void flush() {
        final List<Record<Event>> all = pending;
        pending = new ArrayList<>(batchLimit);
        int from = 0;
        while (from < all.size()) {
            final int to = Math.min(all.size(), from + batchLimit);
            final List<Record<Event>> batch = from == 0 && to == all.size() ? all : new ArrayList<>(all.subList(from, to));
            if (write(batch)) {
                from = to;
            }
        }
    }

    long written() {
        return written;
    }

    /** @return false when the buffer refused the batch size; {@link #batchLimit} is then smaller and the caller retries */
    private boolean write(final List<Record<Event>> batch) {
        while (true) {
            if (stopRequested.getAsBoolean()) {
                throw new SourceStoppedException();
            }
            try {
                buffer.writeAll(batch, timeoutMillis);
                written += batch.size();
                recordsWritten.increment(batch.size());
                return true;
            } catch (final TimeoutException bufferFull) {
                writeTimeouts.increment();
            } catch (final Exception refused) {
                if (batch.size() <= 1) {
                    throw new IllegalStateException("the buffer refused a record: " + refused.getMessage(), refused);
                }
                // Most likely a batch larger than the buffer's capacity: go on in smaller batches.
                batchLimit = Math.max(1, batch.size() / 2);
                LOG.info("Buffer refused a batch of {} records ({}); writing batches of {} instead",
                        batch.size(), refused.getMessage(), batchLimit);
                return false;
            }
        }
    }
}
