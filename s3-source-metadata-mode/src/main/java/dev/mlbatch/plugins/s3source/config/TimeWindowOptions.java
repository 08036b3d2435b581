package dev.mlbatch.plugins.s3source.config;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Objects;
import java.util.stream.Stream;

/** The start_time / end_time / range trio that scan and bucket entries share. */
public class TimeWindowOptions {
    private final LocalDateTime startTime;
    private final LocalDateTime endTime;
    private final Duration range;

    public TimeWindowOptions(final LocalDateTime startTime, final LocalDateTime endTime, final Duration range) {
        this.startTime = startTime;
        this.endTime = endTime;
        this.range = range;
    }

    public LocalDateTime getStartTime() {
        return startTime;
    }

    public LocalDateTime getEndTime() {
        return endTime;
    }

    public Duration getRange() {
        return range;
    }

    public boolean isAnySet() {
        return startTime != null || endTime != null || range != null;
    }

    /** Upstream's rule: start/end cannot be combined with range (so at most two are ever set). */
    boolean isValid() {
        final long setCount = Stream.of(startTime, endTime, range).filter(Objects::nonNull).count();
        return setCount <= 2 && !(range != null && (startTime != null || endTime != null));
    }
}
