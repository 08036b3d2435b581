package dev.mlbatch.runtime.ack;

import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSet;
import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSetManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Creates acknowledgement sets, runs their callbacks off the pipeline threads, and expires the overdue ones. */
public final class DefaultAcknowledgementSetManager implements AcknowledgementSetManager, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultAcknowledgementSetManager.class);
    private static final long MONITOR_PERIOD_MS = 200;

    private final Set<DefaultAcknowledgementSet> active = ConcurrentHashMap.newKeySet();
    private final ExecutorService callbackExecutor;
    private final ScheduledExecutorService monitor;

    public DefaultAcknowledgementSetManager() {
        final AtomicInteger threads = new AtomicInteger();
        callbackExecutor = Executors.newFixedThreadPool(4, runnable -> daemon(runnable, "ack-callback-" + threads.incrementAndGet()));
        monitor = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "ack-monitor"));
        monitor.scheduleAtFixedRate(this::checkSets, MONITOR_PERIOD_MS, MONITOR_PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(final Runnable runnable, final String name) {
        final Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public AcknowledgementSet create(final Consumer<Boolean> callback, final Duration timeout) {
        return create(callback, timeout, false);
    }

    @Override
    public AcknowledgementSet create(final Consumer<Boolean> callback, final Duration timeout, final boolean invokeCallbackOnExpiry) {
        final DefaultAcknowledgementSet set = new DefaultAcknowledgementSet(callback, timeout, invokeCallbackOnExpiry,
                command -> callbackExecutor.execute(() -> {
                    try {
                        command.run();
                    } catch (final RuntimeException e) {
                        LOG.error("Acknowledgement callback failed", e);
                    }
                }));
        active.add(set);
        return set;
    }

    private void checkSets() {
        final Instant now = Instant.now();
        for (final DefaultAcknowledgementSet set : active) {
            set.checkTime(now);
            if (set.isFinished()) {
                active.remove(set);
            }
        }
    }

    /** Sets that have not yet finished (released, expired or cancelled). */
    public int pendingSets() {
        return (int) active.stream().filter(s -> !s.isFinished()).count();
    }

    @Override
    public void close() {
        monitor.shutdownNow();
        callbackExecutor.shutdown();
        try {
            callbackExecutor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
