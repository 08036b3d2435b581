package dev.mlbatch.plugins.s3source;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this source has taken up and not yet settled, for the pending gauge and for {@code isFinished()}.
 *
 * <p>An object is outstanding from the moment a worker acquires its partition until the partition is completed,
 * or parked after a permanent failure. While it waits for an acknowledgement or for a retry it stays outstanding.
 */
public class PartitionLedger {
    private final Set<String> outstanding = ConcurrentHashMap.newKeySet();
    private final AtomicLong listedNotYetTaken = new AtomicLong();
    private volatile boolean nothingAvailableSinceLastAcquire = false;

    /** A scan listed objects (some may have been completed earlier; they are dropped at the next idle poll). */
    public void onListed(final long count) {
        listedNotYetTaken.addAndGet(count);
    }

    public void onAcquired(final String partitionKey) {
        nothingAvailableSinceLastAcquire = false;
        outstanding.add(partitionKey);
        listedNotYetTaken.updateAndGet(value -> Math.max(0, value - 1));
    }

    /** The coordinator had no partition for us: whatever a scan listed is taken or was done before. */
    public void onNothingAvailable() {
        listedNotYetTaken.set(0);
        nothingAvailableSinceLastAcquire = true;
    }

    /** Completed, or parked as failed. */
    public void onSettled(final String partitionKey) {
        outstanding.remove(partitionKey);
    }

    /** Objects listed and not yet taken up by a worker. */
    public long listedNotYetTaken() {
        return listedNotYetTaken.get();
    }

    public boolean isOutstanding(final String partitionKey) {
        return outstanding.contains(partitionKey);
    }

    public int outstandingCount() {
        return outstanding.size();
    }

    public double pendingCount() {
        return listedNotYetTaken.get() + outstanding.size();
    }

    /** True when the last poll found nothing and nothing taken up is unsettled. */
    public boolean isDrained() {
        return nothingAvailableSinceLastAcquire && outstanding.isEmpty();
    }
}
