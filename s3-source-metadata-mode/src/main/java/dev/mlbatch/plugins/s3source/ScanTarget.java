package dev.mlbatch.plugins.s3source;

import dev.mlbatch.plugins.s3source.config.DataSelection;
import dev.mlbatch.plugins.s3source.config.ProcessingCondition;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One {@code scan.buckets} entry, resolved: which keys of which bucket, in which time window, read how. */
public final class ScanTarget {
    private final String bucket;
    private final DataSelection dataSelection;
    private final List<String> includePrefixes;
    private final List<String> excludeSuffixes;
    private final Instant windowStart;
    private final Instant windowEnd;
    private final Optional<String> expectedBucketOwner;
    private final List<ProcessingCondition> processingConditions;

    public ScanTarget(final String bucket, final DataSelection dataSelection, final List<String> includePrefixes,
                      final List<String> excludeSuffixes, final Instant windowStart, final Instant windowEnd,
                      final Optional<String> expectedBucketOwner) {
        this(bucket, dataSelection, includePrefixes, excludeSuffixes, windowStart, windowEnd, expectedBucketOwner, List.of());
    }

    public ScanTarget(final String bucket, final DataSelection dataSelection, final List<String> includePrefixes,
                      final List<String> excludeSuffixes, final Instant windowStart, final Instant windowEnd,
                      final Optional<String> expectedBucketOwner, final List<ProcessingCondition> processingConditions) {
        this.processingConditions = List.copyOf(processingConditions);
        this.bucket = bucket;
        this.dataSelection = dataSelection;
        this.includePrefixes = List.copyOf(includePrefixes);
        this.excludeSuffixes = List.copyOf(excludeSuffixes);
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.expectedBucketOwner = expectedBucketOwner;
    }

    public String getBucket() {
        return bucket;
    }

    public DataSelection getDataSelection() {
        return dataSelection;
    }

    /** Empty means the whole bucket. */
    public List<String> getIncludePrefixes() {
        return includePrefixes;
    }

    public List<String> getExcludeSuffixes() {
        return excludeSuffixes;
    }

    /** Exclusive lower bound on lastModified, or null. */
    public Instant getWindowStart() {
        return windowStart;
    }

    /** Exclusive upper bound on lastModified, or null. */
    public Instant getWindowEnd() {
        return windowEnd;
    }

    public Optional<String> getExpectedBucketOwner() {
        return expectedBucketOwner;
    }

    /** Sentinels checked before an object of this entry is read; empty means none. */
    public List<ProcessingCondition> getProcessingConditions() {
        return processingConditions;
    }

    /** Whether this entry's filter covers the key (prefix and suffix rules; not the time window). */
    public boolean coversKey(final String objectKey) {
        if (objectKey.endsWith("/")) {
            return false;
        }
        final boolean included = includePrefixes.isEmpty() || includePrefixes.stream().anyMatch(objectKey::startsWith);
        return included && excludeSuffixes.stream().noneMatch(objectKey::endsWith);
    }

    /** Whether lastModified falls strictly inside the window; {@code ignoreEnd} drops the upper bound (later scheduled scans). */
    public boolean isInWindow(final Instant lastModified, final boolean ignoreEnd) {
        if (windowStart != null && !lastModified.isAfter(windowStart)) {
            return false;
        }
        return ignoreEnd || windowEnd == null || lastModified.isBefore(windowEnd);
    }

    public String describe() {
        return "bucket '" + bucket + "'" + (includePrefixes.isEmpty() ? "" : " prefixes " + includePrefixes);
    }
}
