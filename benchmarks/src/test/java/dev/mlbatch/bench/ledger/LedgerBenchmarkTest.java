package dev.mlbatch.bench.ledger;

import dev.mlbatch.plugins.mlinference.batch.JobLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.event.Event;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench ledger} with 2,000 jobs: the ledger it writes, the replay it counts and the form of its last line. */
class LedgerBenchmarkTest {
    private static final int JOBS = 2_000;
    private static final Pattern LAST_LINE = Pattern.compile(
            "ledger: \\d+\\.\\d{2} s to open 2000 finished jobs \\(\\d+\\.\\d{2} x a bare read\\), 0 new jobs on replay \\(target <= 2 s, 0\\)");

    @TempDir
    Path dir;

    @Test
    void aReplayOfEveryFinishedInputCreatesNoJobAndTheLastLineSaysSo() throws Exception {
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        final LedgerBenchmark.Result result = LedgerBenchmark.run(JOBS, dir, new PrintStream(printed, true, StandardCharsets.UTF_8));

        // One run of the processor leaves four lines per job (pending, submitting, submitted, completed).
        assertEquals(4L * JOBS, result.linesAsLeft());
        assertEquals(JOBS, result.replayed(), "every replayed event came back out");
        assertEquals(0, result.newJobs());
        // The start compacted the file to one line per job.
        assertEquals(JOBS, result.linesCompacted());
        final List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(LAST_LINE.matcher(lines.get(lines.size() - 1)).matches(), lines.get(lines.size() - 1));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("heap held after start: ")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains(JOBS + " passed on with job_state COMPLETED")
                || l.contains("2,000 passed on with job_state COMPLETED")), String.join("\n", lines));
    }

    @Test
    void theReplayCountSeesInputsTheLedgerDoesNotKnow() throws Exception {
        LedgerBenchmark.run(JOBS, dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        final Path ledgerFile;
        try (Stream<Path> files = Files.list(dir)) {
            ledgerFile = files.filter(p -> p.toString().endsWith(".ledger")).findFirst().orElseThrow();
        }
        try (JobLedger ledger = JobLedger.open(ledgerFile, Duration.ofDays(30), Clock.systemUTC())) {
            final List<Event> events = List.of(LedgerBenchmark.inputEvent(0), LedgerBenchmark.inputEvent(JOBS - 1),
                    LedgerBenchmark.inputEvent(JOBS), LedgerBenchmark.inputEvent(JOBS + 1), LedgerBenchmark.inputEvent(JOBS + 2));
            final LedgerBenchmark.Replay replay = LedgerBenchmark.replay(ledger, dir, events);
            assertEquals(3, replay.newJobs(), "three inputs were not in the ledger");
            assertEquals(3, replay.creates());
            assertEquals(2, replay.completedWithName(), "the two known inputs went on as completed");
        }
    }

    @Test
    void jobsArgument() {
        assertEquals(LedgerBenchmark.DEFAULT_JOBS, LedgerBenchmark.jobsArgument(new String[0]));
        assertEquals(2000, LedgerBenchmark.jobsArgument(new String[]{"--jobs", "2000"}));
        assertEquals(100_000, LedgerBenchmark.jobsArgument(new String[]{"--jobs=100,000"}));
        assertThrows(IllegalArgumentException.class, () -> LedgerBenchmark.jobsArgument(new String[]{"--jobs", "0"}));
        assertThrows(IllegalArgumentException.class, () -> LedgerBenchmark.jobsArgument(new String[]{"2000"}));
    }
}
