package dev.mlbatch.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What one run of the three stages did: records in, files, jobs, documents, and the wall time of each stage. */
public record FlowSummary(Provider provider, String index, int records, int inputFiles, ProviderJobs jobs, long documents,
                          long documentsWithVector, RecordAccount account, Map<String, Duration> stageTimes) {

    public FlowSummary {
        stageTimes = new LinkedHashMap<>(stageTimes);
    }

    /** Every record in is indexed with its vector, rejected with its reason or dead-lettered: none is unaccounted for. */
    public boolean complete() {
        return account.balanced();
    }

    public Duration total() {
        return stageTimes.values().stream().reduce(Duration.ZERO, Duration::plus);
    }

    public void print(final PrintStream out) {
        out.printf(Locale.ROOT, "summary (%s)%n", provider);
        account.print(out);
        out.printf(Locale.ROOT, "  input files         %d%n", inputFiles);
        out.printf(Locale.ROOT, "  provider jobs       %s%n", jobs.describe());
        out.printf(Locale.ROOT, "  documents indexed   %d (%d with a vector) in %s%n", documents, documentsWithVector,
                index);
        stageTimes.forEach((stage, time) -> out.printf(Locale.ROOT, "  %-19s %.1f s%n", stage, time.toMillis() / 1000.0));
        out.printf(Locale.ROOT, "  %-19s %.1f s (%.0f records/s)%n", "total", total().toMillis() / 1000.0,
                records / Math.max(0.001, total().toMillis() / 1000.0));
    }
}
