package dev.mlbatch.stack.health;

import java.time.Duration;

/**
 * Tells a wait for a healthy node when to give up on a red cluster: once {@link ClusterDiagnosis#staysRed()} has held
 * for {@link #CONFIRM} without a break. A node that just started has unassigned primaries for a moment too; the
 * confirmation period keeps one unlucky reading from ending the wait.
 */
public final class RedClusterWatch {

    public static final Duration CONFIRM = Duration.ofSeconds(10);

    private final long confirmNanos;
    private long stuckSince = -1;

    public RedClusterWatch() {
        this(CONFIRM);
    }

    RedClusterWatch(Duration confirm) {
        this.confirmNanos = confirm.toNanos();
    }

    /** Records one reading taken at {@code nanoTime}; true once the cluster has stayed red long enough to stop waiting. */
    public boolean givesUp(ClusterDiagnosis reading, long nanoTime) {
        if (!reading.staysRed()) {
            stuckSince = -1;
            return false;
        }
        if (stuckSince < 0) {
            stuckSince = nanoTime;
        }
        return nanoTime - stuckSince >= confirmNanos;
    }

    /** Not a reading: the node did not answer, or answered healthy. */
    public void reset() {
        stuckSince = -1;
    }
}
