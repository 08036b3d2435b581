package dev.mlbatch.plugins.s3source;

import java.time.Duration;

/** Exponential backoff for retrying an object: base, 2×base, 4×base, … capped. */
public class RetryBackoff {
    private final Duration base;
    private final Duration cap;

    public RetryBackoff(final Duration base, final Duration cap) {
        this.base = base;
        this.cap = cap;
    }

    /** @param attempt 1 for the delay after the first failed attempt */
    public Duration delayAfter(final int attempt) {
        final int doublings = Math.max(0, Math.min(attempt - 1, 30));
        final Duration delay = base.multipliedBy(1L << doublings);
        return delay.compareTo(cap) > 0 ? cap : delay;
    }
}
