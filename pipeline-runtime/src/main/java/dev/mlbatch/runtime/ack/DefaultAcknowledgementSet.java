package dev.mlbatch.runtime.ack;

import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSet;
import org.opensearch.dataprepper.model.acknowledgements.ProgressCheck;
import org.opensearch.dataprepper.model.event.EventHandle;
import org.opensearch.dataprepper.model.event.InternalEventHandle;

import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Counts references per event handle; once {@link #complete()} was called and every reference was released, the
 * callback runs once with the AND of all results. A set that expires first runs it with false only if asked to.
 */
final class DefaultAcknowledgementSet implements AcknowledgementSet {
    private final Consumer<Boolean> callback;
    private final Executor callbackExecutor;
    private final boolean invokeCallbackOnExpiry;
    private final Map<EventHandle, Integer> pendingReferences = new IdentityHashMap<>();
    private Instant expiration;
    private boolean completed;
    private boolean finished;
    private boolean result = true;
    private int totalHandles;
    private Consumer<ProgressCheck> progressCheck;
    private Duration progressCheckInterval;
    private Instant nextProgressCheck;

    DefaultAcknowledgementSet(final Consumer<Boolean> callback, final Duration timeout, final boolean invokeCallbackOnExpiry,
                              final Executor callbackExecutor) {
        this.callback = callback;
        this.expiration = Instant.now().plus(timeout);
        this.invokeCallbackOnExpiry = invokeCallbackOnExpiry;
        this.callbackExecutor = callbackExecutor;
    }

    @Override
    public synchronized void add(final EventHandle eventHandle) {
        if (finished) {
            throw new IllegalStateException("cannot add an event to an acknowledgement set that has already finished");
        }
        pendingReferences.merge(eventHandle, 1, Integer::sum);
        totalHandles++;
        if (eventHandle instanceof InternalEventHandle internal) {
            internal.addAcknowledgementSet(this);
        }
    }

    @Override
    public synchronized void acquire(final EventHandle eventHandle) {
        if (!finished && pendingReferences.containsKey(eventHandle)) {
            pendingReferences.merge(eventHandle, 1, Integer::sum);
        }
    }

    @Override
    public boolean release(final EventHandle eventHandle, final boolean eventResult) {
        final boolean fire;
        synchronized (this) {
            final Integer references = pendingReferences.get(eventHandle);
            if (finished || references == null) {
                return false;
            }
            result &= eventResult;
            if (references <= 1) {
                pendingReferences.remove(eventHandle);
            } else {
                pendingReferences.put(eventHandle, references - 1);
            }
            fire = completed && pendingReferences.isEmpty();
            if (fire) {
                finished = true;
            }
        }
        if (fire) {
            invokeCallback(result);
        }
        return true;
    }

    @Override
    public void complete() {
        final boolean fire;
        synchronized (this) {
            completed = true;
            fire = !finished && pendingReferences.isEmpty();
            if (fire) {
                finished = true;
            }
        }
        if (fire) {
            invokeCallback(result);
        }
    }

    @Override
    public synchronized void addProgressCheck(final Consumer<ProgressCheck> progressCheckCallback, final Duration interval) {
        this.progressCheck = progressCheckCallback;
        this.progressCheckInterval = interval;
        this.nextProgressCheck = Instant.now().plus(interval);
    }

    @Override
    public synchronized void increaseExpiry(final Duration expiryIncrease) {
        expiration = expiration.plus(expiryIncrease);
    }

    @Override
    public synchronized Instant getExpirationTime() {
        return expiration;
    }

    @Override
    public synchronized void cancel() {
        finished = true;
        pendingReferences.clear();
    }

    synchronized boolean isFinished() {
        return finished;
    }

    /** Called periodically by the manager: runs due progress checks and expires the set when its time is up. */
    void checkTime(final Instant now) {
        Consumer<ProgressCheck> dueCheck = null;
        double ratio = 0;
        boolean expired = false;
        synchronized (this) {
            if (finished) {
                return;
            }
            if (now.isAfter(expiration)) {
                finished = true;
                expired = true;
            } else if (progressCheck != null && !now.isBefore(nextProgressCheck)) {
                dueCheck = progressCheck;
                ratio = totalHandles == 0 ? 0.0 : (double) pendingReferences.size() / totalHandles;
                nextProgressCheck = now.plus(progressCheckInterval);
            }
        }
        if (expired && invokeCallbackOnExpiry) {
            invokeCallback(false);
        }
        if (dueCheck != null) {
            final double pendingRatio = ratio;
            final Consumer<ProgressCheck> check = dueCheck;
            callbackExecutor.execute(() -> check.accept(() -> pendingRatio));
        }
    }

    private void invokeCallback(final boolean callbackResult) {
        callbackExecutor.execute(() -> callback.accept(callbackResult));
    }
}
