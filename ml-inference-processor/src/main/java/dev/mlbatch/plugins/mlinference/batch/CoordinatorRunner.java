package dev.mlbatch.plugins.mlinference.batch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a {@link BatchJobCoordinator} on its own thread, and shares it between the processor instances
 * the runtime creates for one ml_inference processor (one per pipeline worker): they must share the
 * ledger, the slots and the held events. Instances find each other by the ledger path.
 */
public final class CoordinatorRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorRunner.class);
    private static final Duration TICK = Duration.ofMillis(100);
    private static final Map<String, CoordinatorRunner> RUNNING = new HashMap<>();

    private final String key;
    private final BatchJobCoordinator coordinator;
    private final List<AutoCloseable> resources;
    private final ScheduledExecutorService thread;
    private int users;

    private CoordinatorRunner(final String key, final BatchJobCoordinator coordinator, final List<AutoCloseable> resources) {
        this.key = key;
        this.coordinator = coordinator;
        this.resources = resources;
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread t = new Thread(runnable, "ml-inference-jobs");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::tickSafely, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The running coordinator for this key, started with {@code factory} if none runs yet. */
    public static synchronized CoordinatorRunner acquire(final String key, final Supplier<Started> factory) {
        CoordinatorRunner runner = RUNNING.get(key);
        if (runner == null) {
            final Started started = factory.get();
            runner = new CoordinatorRunner(key, started.coordinator(), started.resources());
            RUNNING.put(key, runner);
        }
        runner.users++;
        return runner;
    }

    /** A freshly built coordinator and what must be closed with it (ledger, clients). */
    public record Started(BatchJobCoordinator coordinator, List<AutoCloseable> resources) {
    }

    public BatchJobCoordinator coordinator() {
        return coordinator;
    }

    /** Stops the thread and closes the resources once the last processor instance lets go. */
    public void release() {
        synchronized (CoordinatorRunner.class) {
            if (--users > 0) {
                return;
            }
            RUNNING.remove(key);
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (final InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        coordinator.close();
        for (final AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (final Exception e) {
                LOG.warn("Closing {}: {}", resource, e.getMessage());
            }
        }
        if (coordinator.unfinished() > 0) {
            LOG.info("Stopped with {} unfinished job(s) recorded in the ledger; they resume on the next start", coordinator.unfinished());
        }
    }

    private void tickSafely() {
        try {
            coordinator.tick();
        } catch (final RuntimeException e) {
            LOG.error("ml_inference job loop failed this round (will retry): {}", e.toString(), e);
        }
    }
}
