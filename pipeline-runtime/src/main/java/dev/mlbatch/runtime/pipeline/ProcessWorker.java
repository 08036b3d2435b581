package dev.mlbatch.runtime.pipeline;

import org.opensearch.dataprepper.model.CheckpointState;
import org.opensearch.dataprepper.model.buffer.Buffer;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.InternalEventHandle;
import org.opensearch.dataprepper.model.processor.Processor;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One processor thread: read a batch, run it through this worker's processor chain, route it to the sinks, then
 * checkpoint the buffer. Processors are called even with empty batches, so ones that hold events can release them.
 */
final class ProcessWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessWorker.class);

    private final String pipelineName;
    private final Buffer<Record<Event>> buffer;
    private final List<Processor<Record<Event>, Record<Event>>> processors;
    private final Router router;
    private final List<RoutedSink> sinks;
    private final int readTimeoutMillis;
    private final AtomicInteger busyWorkers;
    private volatile boolean stopRequested;

    ProcessWorker(final String pipelineName, final Buffer<Record<Event>> buffer, final List<Processor<Record<Event>, Record<Event>>> processors,
                  final Router router, final List<RoutedSink> sinks, final int readTimeoutMillis, final AtomicInteger busyWorkers) {
        this.pipelineName = pipelineName;
        this.buffer = buffer;
        this.processors = processors;
        this.router = router;
        this.sinks = sinks;
        this.readTimeoutMillis = Math.max(1, readTimeoutMillis);
        this.busyWorkers = busyWorkers;
    }

    List<Processor<Record<Event>, Record<Event>>> processors() {
        return processors;
    }

    /** Asks the worker to stop once the buffer is empty and every processor is ready for shutdown. */
    void requestStop() {
        stopRequested = true;
    }

    @Override
    public void run() {
        while (!(stopRequested && buffer.isEmpty() && processorsReadyForShutdown())) {
            try {
                runOnce();
            } catch (final RuntimeException e) {
                LOG.error("Pipeline '{}': a batch failed in the processor worker; continuing", pipelineName, e);
            }
        }
    }

    private boolean processorsReadyForShutdown() {
        for (final Processor<Record<Event>, Record<Event>> processor : processors) {
            if (!processor.isReadyForShutdown()) {
                return false;
            }
        }
        return true;
    }

    void runOnce() {
        final Map.Entry<Collection<Record<Event>>, CheckpointState> read = buffer.read(stopRequested ? 100 : readTimeoutMillis);
        busyWorkers.incrementAndGet();
        try {
            Collection<Record<Event>> records = read.getKey();
            for (final Processor<Record<Event>, Record<Event>> processor : processors) {
                final Set<Event> inputsToTrack = processor.holdsEvents() ? null : eventsWithAcknowledgements(records);
                records = processor.execute(records);
                if (inputsToTrack != null) {
                    releaseDropped(inputsToTrack, records);
                }
            }
            if (!records.isEmpty()) {
                final List<Collection<Record<Event>>> perSink = router.route(records);
                for (int s = 0; s < sinks.size(); s++) {
                    final Collection<Record<Event>> batch = perSink.get(s);
                    if (!batch.isEmpty()) {
                        sinks.get(s).sink().output(batch);
                    }
                }
            }
            buffer.checkpoint(read.getValue());
        } finally {
            busyWorkers.decrementAndGet();
        }
    }

    /** The events whose acknowledgement the runtime must settle if a processor drops them; null when none. */
    private static Set<Event> eventsWithAcknowledgements(final Collection<Record<Event>> records) {
        Set<Event> tracked = null;
        for (final Record<Event> record : records) {
            final Event event = record.getData();
            if (event.getEventHandle() instanceof InternalEventHandle handle && handle.hasAcknowledgementSet()) {
                if (tracked == null) {
                    tracked = Collections.newSetFromMap(new IdentityHashMap<>());
                }
                tracked.add(event);
            }
        }
        return tracked;
    }

    /** An event a (non-holding) processor did not pass on is finished with: release it positively, as upstream. */
    private static void releaseDropped(final Set<Event> inputs, final Collection<Record<Event>> outputs) {
        for (final Record<Event> record : outputs) {
            inputs.remove(record.getData());
        }
        for (final Event dropped : inputs) {
            dropped.getEventHandle().release(true);
        }
    }
}
