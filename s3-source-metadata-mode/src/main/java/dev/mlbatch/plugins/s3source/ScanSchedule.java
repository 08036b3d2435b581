package dev.mlbatch.plugins.s3source;

import dev.mlbatch.plugins.s3source.config.SchedulingOptions;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * When scans run. With {@code scheduling}, the count of scans done and the time of the last one live in the
 * coordinator's global state (keys {@value #SCAN_COUNT} and {@value #LAST_SCAN_TIME}), so a restarted source with a
 * durable store continues the schedule instead of starting over. Without it, each start of the source runs one scan
 * (the keys are still written, for the record).
 */
public class ScanSchedule {
    static final String SCAN_COUNT = "SCAN_COUNT";
    static final String LAST_SCAN_TIME = "LAST_SCAN_TIME";

    private final SchedulingOptions scheduling;
    private volatile boolean allScansDone = false;
    private volatile Instant nextScanDue = Instant.EPOCH;
    /** Without scheduling: whether this process has run its one scan (the global state may hold earlier runs' scans). */
    private volatile boolean singleScanRun = false;

    /** @param scheduling null for a single scan */
    public ScanSchedule(final SchedulingOptions scheduling) {
        this.scheduling = scheduling;
    }

    /** True without {@code scheduling}: one scan per start of the source. */
    public boolean isOneShot() {
        return scheduling == null;
    }

    public int allowedScans() {
        return scheduling == null ? 1 : scheduling.getCount();
    }

    static int scansDone(final Map<String, Object> globalState) {
        final Object value = globalState.get(SCAN_COUNT);
        if (value instanceof Number) {
            return ((Number) value).intValue();
        }
        return value == null ? 0 : Integer.parseInt(value.toString());
    }

    static Instant lastScanTime(final Map<String, Object> globalState) {
        final Object value = globalState.get(LAST_SCAN_TIME);
        return value == null ? null : Instant.parse(value.toString());
    }

    /** Whether a scan should run now, given the global state; also refreshes {@link #isAllScansDone()}. */
    public boolean isScanDue(final Map<String, Object> globalState, final Instant now) {
        if (scheduling == null) {
            // A one-shot scan lists on every start, also when a durable store says an earlier run scanned: objects
            // added since then must be read, and those already completed are skipped by their partition keys.
            allScansDone = singleScanRun;
            return !singleScanRun;
        }
        final int done = scansDone(globalState);
        if (done >= allowedScans()) {
            allScansDone = true;
            return false;
        }
        final Instant last = lastScanTime(globalState);
        if (scheduling != null && last != null) {
            nextScanDue = last.plus(scheduling.getInterval());
            return !now.isBefore(nextScanDue);
        }
        return true;
    }

    /** Records a finished scan in the global state. */
    public void recordScan(final Map<String, Object> globalState, final Instant scanStartedAt) {
        final int done = scansDone(globalState) + 1;
        globalState.put(SCAN_COUNT, done);
        globalState.put(LAST_SCAN_TIME, scanStartedAt.toString());
        if (scheduling == null) {
            singleScanRun = true;
            allScansDone = true;
            nextScanDue = Instant.MAX;
            return;
        }
        allScansDone = done >= allowedScans();
        nextScanDue = scanStartedAt.plus(scheduling.getInterval());
    }

    /** True once this source has seen that every allowed scan ran (in this process or before a restart). */
    public boolean isAllScansDone() {
        return allScansDone;
    }

    /** How long an idle worker may sleep before the next scan is due, capped at {@code cap}. */
    public Duration idleSleep(final Duration cap, final Instant now) {
        if (allScansDone || nextScanDue.equals(Instant.MAX)) {
            return cap;
        }
        final Duration untilDue = Duration.between(now, nextScanDue);
        if (untilDue.isNegative() || untilDue.isZero()) {
            return Duration.ofMillis(50);
        }
        return untilDue.compareTo(cap) < 0 ? untilDue : cap;
    }
}
