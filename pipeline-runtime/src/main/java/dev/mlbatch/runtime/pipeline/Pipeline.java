package dev.mlbatch.runtime.pipeline;

import org.opensearch.dataprepper.model.buffer.Buffer;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.processor.Processor;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A running pipeline: its source, buffer, processor workers and sinks, with upstream's start and shutdown order. */
public final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final Duration SINK_READY_LOG_INTERVAL = Duration.ofSeconds(5);

    private final String name;
    private final Source<Record<Event>> source;
    private final Optional<SourceCompletion> sourceCompletion;
    private final Buffer<Record<Event>> buffer;
    private final List<ProcessWorker> workers;
    private final List<RoutedSink> sinks;
    private final AtomicInteger busyWorkers;
    private final List<Thread> workerThreads = new ArrayList<>();
    private volatile boolean sourceStopped;

    Pipeline(final String name, final Source<Record<Event>> source, final Buffer<Record<Event>> buffer,
             final List<ProcessWorker> workers, final List<RoutedSink> sinks, final AtomicInteger busyWorkers) {
        this.name = name;
        this.source = source;
        this.sourceCompletion = SourceCompletion.of(source);
        this.buffer = buffer;
        this.workers = workers;
        this.sinks = sinks;
        this.busyWorkers = busyWorkers;
    }

    public String getName() {
        return name;
    }

    /** Whether the source can ever report that it has finished. */
    public boolean canFinish() {
        return sourceCompletion.isPresent();
    }

    /** Initializes sinks, waits until they are ready, starts the processor workers and then the source. */
    public void start() {
        for (final RoutedSink sink : sinks) {
            sink.sink().initialize();
        }
        Instant nextLog = Instant.now().plus(SINK_READY_LOG_INTERVAL);
        while (!sinks.stream().allMatch(s -> s.sink().isReady())) {
            if (Instant.now().isAfter(nextLog)) {
                sinks.stream().filter(s -> !s.sink().isReady()).forEach(s ->
                        LOG.info("Pipeline '{}': waiting for sink '{}' to be ready", name, s.name()));
                nextLog = Instant.now().plus(SINK_READY_LOG_INTERVAL);
            }
            sleep(100);
        }
        for (int i = 0; i < workers.size(); i++) {
            final Thread thread = new Thread(workers.get(i), name + "-worker-" + (i + 1));
            thread.start();
            workerThreads.add(thread);
        }
        final Thread sourceStarter = new Thread(() -> {
            try {
                source.start(buffer);
            } catch (final RuntimeException e) {
                LOG.error("Pipeline '{}': the source failed to start", name, e);
            }
        }, name + "-source-start");
        sourceStarter.start();
        LOG.info("Pipeline '{}' started with {} worker(s)", name, workers.size());
    }

    public void stopSource() {
        if (!sourceStopped) {
            sourceStopped = true;
            source.stop();
        }
    }

    /** Source finished, buffer empty, no worker mid-batch, and no processor still holding events. */
    public boolean isComplete() {
        if (sourceCompletion.isEmpty() || !sourceCompletion.get().isFinished()) {
            return false;
        }
        if (!buffer.isEmpty() || busyWorkers.get() > 0) {
            return false;
        }
        for (final ProcessWorker worker : workers) {
            for (final Processor<Record<Event>, Record<Event>> processor : worker.processors()) {
                if (processor.holdsEvents() && !processor.isReadyForShutdown()) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Upstream's shutdown order: the source is already stopped; let the buffer drain, tell processors to finish
     * what they hold, wait for the workers, then shut processors and sinks down (sinks flush).
     */
    public void shutdown(final Duration bufferDrainTimeout, final Duration processorShutdownTimeout) {
        stopSource();
        final Instant drainDeadline = Instant.now().plus(bufferDrainTimeout);
        while (!buffer.isEmpty() && Instant.now().isBefore(drainDeadline)) {
            sleep(50);
        }
        if (!buffer.isEmpty()) {
            LOG.warn("Pipeline '{}': buffer not empty after {}; events still in it are not acknowledged and will be"
                    + " redelivered by sources that use acknowledgements", name, bufferDrainTimeout);
        }
        workers.forEach(w -> w.processors().forEach(Processor::prepareForShutdown));
        workers.forEach(ProcessWorker::requestStop);
        final Instant workerDeadline = Instant.now().plus(processorShutdownTimeout);
        for (final Thread thread : workerThreads) {
            final long remaining = Math.max(1, Duration.between(Instant.now(), workerDeadline).toMillis());
            try {
                thread.join(remaining);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("Pipeline '{}': worker {} did not finish within {}; stopping it", name, thread.getName(), processorShutdownTimeout);
                thread.interrupt();
            }
        }
        workers.forEach(w -> w.processors().forEach(p -> {
            try {
                p.shutdown();
            } catch (final RuntimeException e) {
                LOG.warn("Pipeline '{}': a processor failed to shut down cleanly: {}", name, e.toString());
            }
        }));
        for (final RoutedSink sink : sinks) {
            try {
                sink.sink().shutdown();
            } catch (final RuntimeException e) {
                LOG.warn("Pipeline '{}': sink '{}' failed to shut down cleanly: {}", name, sink.name(), e.toString());
            }
        }
        buffer.shutdown();
        LOG.info("Pipeline '{}' stopped", name);
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
