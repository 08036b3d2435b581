package dev.mlbatch.plugins.mlinference.batch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobLedgerTest {
    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final InputObject a = new InputObject("b", "a.jsonl", "etag:1");
    private final InputObject c = new InputObject("b", "c.jsonl", "etag:3");

    @Test
    void survivesReopenWithLatestStatePerWork() throws Exception {
        final Path file = dir.resolve("p.ledger");
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            final JobRecord pending = JobRecord.pending("w1", List.of(a), "mlb-w1-a1", clock.instant());
            ledger.save(pending);
            ledger.save(pending.submitting(clock.instant()));
            ledger.save(pending.submitting(clock.instant()).submitted("task-1", clock.instant()));
            ledger.save(JobRecord.pending("w2", List.of(c), "mlb-w2-a1", clock.instant()));
        }
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            final JobRecord w1 = ledger.byInput(a).orElseThrow();
            assertEquals(JobState.SUBMITTED, w1.state());
            assertEquals("task-1", w1.taskId());
            assertEquals(JobState.PENDING, ledger.byWorkKey("w2").orElseThrow().state());
            assertEquals(2, ledger.unfinished().size());
            // Compaction on open leaves one line per record.
            assertEquals(2, Files.readAllLines(file).size());
        }
    }

    @Test
    void tornLastLineFromACrashIsSkipped() throws Exception {
        final Path file = dir.resolve("p.ledger");
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            ledger.save(JobRecord.pending("w1", List.of(a), "mlb-w1-a1", clock.instant()));
        }
        Files.writeString(file, "{\"work_key\":\"w2\",\"inpu", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            assertEquals(1, ledger.all().size());
        }
    }

    @Test
    void corruptMiddleLineIsAnErrorNamingTheLine() throws Exception {
        final Path file = dir.resolve("p.ledger");
        Files.writeString(file, "garbage\n{\"work_key\":\"w1\",\"inputs\":[],\"attempt\":1,\"job_name\":\"j\",\"state\":\"PENDING\"}\n");
        final Exception e = assertThrows(java.io.IOException.class, () -> JobLedger.open(file, Duration.ofDays(1), clock));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void oneUserAtATime() throws Exception {
        final Path file = dir.resolve("p.ledger");
        try (JobLedger ignored = JobLedger.open(file, Duration.ofDays(1), clock)) {
            final IllegalStateException e = assertThrows(IllegalStateException.class, () -> JobLedger.open(file, Duration.ofDays(1), clock));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
        JobLedger.open(file, Duration.ofDays(1), clock).close();
    }

    @Test
    void finishedWorkIsForgottenAfterRetentionButUnfinishedIsKept() throws Exception {
        final Path file = dir.resolve("p.ledger");
        final Instant old = clock.instant().minus(Duration.ofDays(10));
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(30), clock)) {
            ledger.save(JobRecord.pending("done", List.of(a), "j1", old).submitted("t1", old).completed("COMPLETED", null, old));
            ledger.save(JobRecord.pending("waiting", List.of(c), "j2", old));
        }
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(5), clock)) {
            assertTrue(ledger.byWorkKey("done").isEmpty());
            assertTrue(ledger.byWorkKey("waiting").isPresent());
        }
    }
}
