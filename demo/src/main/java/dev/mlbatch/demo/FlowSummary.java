package dev.mlbatch.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What one run of the three stages did: records in, files, jobs, documents, and the wall time of each stage. */
public record FlowSummary(Provider provider, int records, int inputFiles, ProviderJobs jobs, long documents,
                          long documentsWithVector, Map<String, Duration> stageTimes) {

    public FlowSummary {
        stageTimes = new LinkedHashMap<>(stageTimes);
    }

    /** Every record is in the index, once, with its vector. */
    public boolean complete() {
        return documents == records && documentsWithVector == records;
    }

    public Duration total() {
        return stageTimes.values().stream().reduce(Duration.ZERO, Duration::plus);
    }

    public void print(final PrintStream out) {
        out.printf(Locale.ROOT, "summary (%s)%n", provider);
        out.printf(Locale.ROOT, "  records in          %d%n", records);
        out.printf(Locale.ROOT, "  input files         %d%n", inputFiles);
        out.printf(Locale.ROOT, "  provider jobs       %s%n", jobs.describe());
        out.printf(Locale.ROOT, "  documents indexed   %d (%d with a vector) in %s%n", documents, documentsWithVector,
                provider.index());
        stageTimes.forEach((stage, time) -> out.printf(Locale.ROOT, "  %-19s %.1f s%n", stage, time.toMillis() / 1000.0));
        out.printf(Locale.ROOT, "  %-19s %.1f s (%.0f records/s)%n", "total", total().toMillis() / 1000.0,
                records / Math.max(0.001, total().toMillis() / 1000.0));
    }
}
