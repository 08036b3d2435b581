package dev.mlbatch.runtime.pipeline;

import io.micrometer.core.instrument.Counter;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.CheckpointState;
import org.opensearch.dataprepper.model.buffer.Buffer;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Upstream's default buffer: at most {@code buffer_size} records are written and not yet checkpointed; a read
 * returns up to {@code batch_size} records. Capacity comes back only at checkpoint, after the sinks took the batch.
 */
public final class BoundedBlockingBuffer implements Buffer<Record<Event>> {
    private final int capacity;
    private final int batchSize;
    private final Semaphore freeSlots;
    private final LinkedBlockingQueue<Record<Event>> queue = new LinkedBlockingQueue<>();
    private final Counter recordsWritten;
    private final Counter recordsRead;
    private final Counter writeTimeouts;

    public BoundedBlockingBuffer(final BoundedBlockingBufferConfig config, final PluginMetrics metrics) {
        this.capacity = config.getBufferSize();
        this.batchSize = config.getBatchSize();
        this.freeSlots = new Semaphore(capacity);
        this.recordsWritten = metrics.counter("recordsWritten");
        this.recordsRead = metrics.counter("recordsRead");
        this.writeTimeouts = metrics.counter("writeTimeouts");
        metrics.gauge("recordsInBuffer", queue, LinkedBlockingQueue::size);
        metrics.gauge("recordsInFlight", this, b -> b.capacity - b.freeSlots.availablePermits() - b.queue.size());
    }

    @Override
    public void write(final Record<Event> record, final int timeoutInMillis) throws TimeoutException {
        acquire(1, timeoutInMillis);
        queue.add(record);
        recordsWritten.increment();
    }

    @Override
    public void writeAll(final Collection<Record<Event>> records, final int timeoutInMillis) throws Exception {
        if (records.size() > capacity) {
            throw new IllegalArgumentException("Cannot write " + records.size() + " records at once into a buffer of size " + capacity);
        }
        acquire(records.size(), timeoutInMillis);
        queue.addAll(records);
        recordsWritten.increment(records.size());
    }

    private void acquire(final int slots, final int timeoutInMillis) throws TimeoutException {
        try {
            if (!freeSlots.tryAcquire(slots, timeoutInMillis, TimeUnit.MILLISECONDS)) {
                writeTimeouts.increment();
                throw new TimeoutException("Buffer is full: no room for " + slots + " record(s) within " + timeoutInMillis + " ms");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("Interrupted while waiting for buffer room");
        }
    }

    @Override
    public Map.Entry<Collection<Record<Event>>, CheckpointState> read(final int timeoutInMillis) {
        final List<Record<Event>> batch = new ArrayList<>(Math.min(batchSize, 1024));
        try {
            final Record<Event> first = queue.poll(timeoutInMillis, TimeUnit.MILLISECONDS);
            if (first != null) {
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        recordsRead.increment(batch.size());
        return new AbstractMap.SimpleImmutableEntry<>(batch, new CheckpointState(batch.size()));
    }

    @Override
    public void checkpoint(final CheckpointState checkpointState) {
        freeSlots.release(checkpointState.getNumRecordsToBeChecked());
    }

    /** Empty means nothing queued and nothing read but not yet checkpointed. */
    @Override
    public boolean isEmpty() {
        return freeSlots.availablePermits() == capacity && queue.isEmpty();
    }
}
