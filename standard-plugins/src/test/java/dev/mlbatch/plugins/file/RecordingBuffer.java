package dev.mlbatch.plugins.file;

import org.opensearch.dataprepper.model.CheckpointState;
import org.opensearch.dataprepper.model.buffer.Buffer;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** A buffer that keeps what was written; it can time out a number of writes, or refuse batches over a capacity. */
final class RecordingBuffer implements Buffer<Record<Event>> {
    final List<Record<Event>> records = new CopyOnWriteArrayList<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final AtomicInteger timeoutsLeft;
    private final int capacity;
    private volatile boolean alwaysFull;

    RecordingBuffer() {
        this(0, Integer.MAX_VALUE);
    }

    RecordingBuffer(final int timeouts, final int capacity) {
        this.timeoutsLeft = new AtomicInteger(timeouts);
        this.capacity = capacity;
    }

    void alwaysFull() {
        alwaysFull = true;
    }

    @Override
    public void write(final Record<Event> record, final int timeoutInMillis) throws TimeoutException {
        throw new UnsupportedOperationException("the file source writes batches");
    }

    @Override
    public void writeAll(final Collection<Record<Event>> batch, final int timeoutInMillis) throws Exception {
        if (batch.size() > capacity) {
            throw new IllegalArgumentException("batch of " + batch.size() + " exceeds capacity " + capacity);
        }
        if (alwaysFull || timeoutsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            Thread.sleep(5);
            throw new TimeoutException("full");
        }
        batchSizes.add(batch.size());
        records.addAll(new ArrayList<>(batch));
    }

    @Override
    public Map.Entry<Collection<Record<Event>>, CheckpointState> read(final int timeoutInMillis) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void checkpoint(final CheckpointState checkpointState) {
    }

    @Override
    public boolean isEmpty() {
        return records.isEmpty();
    }
}
