package dev.mlbatch.plugins.mlinference.batch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private final Thread thread;
    private final Object signal = new Object();
    private boolean signalled;
    private volatile boolean stopping;
    private int users;

    private CoordinatorRunner(final String key, final BatchJobCoordinator coordinator, final List<AutoCloseable> resources) {
        this.key = key;
        this.coordinator = coordinator;
        this.resources = resources;
        coordinator.onWork(this::wake);
        this.thread = new Thread(this::loop, "ml-inference-jobs");
        thread.setDaemon(true);
        thread.start();
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
        stopping = true;
        wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            if (thread.isAlive()) {
                thread.interrupt();
            }
        } catch (final InterruptedException e) {
            thread.interrupt();
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

    /** Ticks at least every 100 ms, as soon as a poll is due, and at once when the coordinator has work (new events, a poll answer). */
    private void loop() {
        while (!stopping) {
            tickSafely();
            // Rounded up: waking a fraction of a millisecond early would find the poll not yet due.
            final long waitMillis = (coordinator.untilNextPoll(TICK).toNanos() + 999_999) / 1_000_000;
            synchronized (signal) {
                try {
                    if (!signalled && waitMillis > 0) {
                        signal.wait(waitMillis);
                    }
                } catch (final InterruptedException e) {
                    return;
                }
                signalled = false;
            }
        }
    }

    private void wake() {
        synchronized (signal) {
            signalled = true;
            signal.notifyAll();
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
