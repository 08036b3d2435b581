package dev.mlbatch.plugins.s3source;

import dev.mlbatch.plugins.common.aws.BucketOwnerResolver;
import dev.mlbatch.plugins.s3source.config.S3SourceConfig;
import dev.mlbatch.plugins.s3source.config.ScanBucketEntry;
import dev.mlbatch.plugins.s3source.config.ScanBucketOptions;
import dev.mlbatch.plugins.s3source.config.TimeWindowOptions;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The configured bucket entries in configuration order. Each entry carries its own data_selection, whether or
 * not it has a filter (upstream honours it only for entries with include_prefix). When several entries of one
 * bucket cover the same key, the first one in the configuration wins.
 */
public class ScanTargets {
    private final List<ScanTarget> targets;

    public ScanTargets(final List<ScanTarget> targets) {
        this.targets = List.copyOf(targets);
    }

    /**
     * Resolves the configuration. A {@code range} is measured back from {@code startedAt}; LocalDateTime values
     * are read in the JVM's default zone, as upstream does.
     */
    public static ScanTargets fromConfig(final S3SourceConfig config, final BucketOwnerResolver owners, final Instant startedAt) {
        final List<ScanTarget> targets = new ArrayList<>();
        for (final ScanBucketEntry entry : config.getScan().getBuckets()) {
            final ScanBucketOptions bucket = entry.getBucket();
            final TimeWindowOptions window = bucket.getTimeWindow().isAnySet()
                    ? bucket.getTimeWindow() : config.getScan().getTimeWindow();
            Instant start = toInstant(window.getStartTime());
            Instant end = toInstant(window.getEndTime());
            if (window.getRange() != null) {
                start = startedAt.minus(window.getRange());
                end = startedAt;
            }
            targets.add(new ScanTarget(bucket.getName(), config.effectiveDataSelection(bucket),
                    bucket.getFilter().getIncludePrefix(), bucket.getFilter().getExcludeSuffix(),
                    start, end, owners.expectedOwner(bucket.getName()), bucket.getProcessingConditions()));
        }
        return new ScanTargets(targets);
    }

    private static Instant toInstant(final LocalDateTime localDateTime) {
        return localDateTime == null ? null : localDateTime.atZone(ZoneId.systemDefault()).toInstant();
    }

    public List<ScanTarget> all() {
        return targets;
    }

    /** The first entry of this bucket whose filter covers the key. */
    public Optional<ScanTarget> resolve(final String bucket, final String objectKey) {
        return targets.stream()
                .filter(target -> target.getBucket().equals(bucket) && target.coversKey(objectKey))
                .findFirst();
    }
}
