package dev.mlbatch.plugins.mlinference.batch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

    @Test
    void openingKeepsEachWorksLatestLineAsWrittenInFirstSeenOrder() throws Exception {
        final Path file = dir.resolve("p.ledger");
        final InputObject e = new InputObject("b", "e.jsonl", "etag:5");
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            final JobRecord w1 = JobRecord.pending("w1", List.of(a), "mlb-w1-a1", clock.instant());
            final JobRecord w2 = JobRecord.pending("w2", List.of(c), "mlb-w2-a1", clock.instant());
            final JobRecord w3 = JobRecord.pending("w3", List.of(e), "mlb-w3-a1", clock.instant());
            ledger.save(w1);
            ledger.save(w2);
            ledger.save(w1.submitting(clock.instant()));
            ledger.save(w3);
            ledger.save(w1.submitting(clock.instant()).submitted("task-1", clock.instant()).completed("COMPLETED", null, clock.instant()));
            ledger.save(w2.submitting(clock.instant()));
        }
        final List<String> written = Files.readAllLines(file);
        assertEquals(6, written.size());
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            assertEquals(JobState.COMPLETED, ledger.byInput(a).orElseThrow().state());
            assertEquals("task-1", ledger.byWorkKey("w1").orElseThrow().taskId());
            assertEquals(JobState.SUBMITTING, ledger.byInput(c).orElseThrow().state());
            assertEquals(JobState.PENDING, ledger.byInput(e).orElseThrow().state());
            assertEquals(List.of("w2", "w3"), ledger.unfinished().stream().map(JobRecord::workKey).toList());
        }
        // One line per work, byte for byte its latest line, in the order the works first appeared.
        assertEquals(List.of(written.get(4), written.get(5), written.get(3)), Files.readAllLines(file));
    }

    @Test
    void aTornLastLineOfAKnownWorkLeavesItsPreviousState() throws Exception {
        final Path file = dir.resolve("p.ledger");
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            final JobRecord pending = JobRecord.pending("w1", List.of(a), "mlb-w1-a1", clock.instant());
            ledger.save(pending);
            ledger.save(pending.submitting(clock.instant()));
        }
        Files.writeString(file, "{\"work_key\":\"w1\",\"inputs\":[{\"bucket\":\"b\",\"ke", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            assertEquals(JobState.SUBMITTING, ledger.byWorkKey("w1").orElseThrow().state());
            ledger.save(ledger.byWorkKey("w1").orElseThrow().submitted("task-1", clock.instant()));
        }
        // The torn bytes are gone with the compaction, so the next line did not join them.
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            assertEquals(JobState.SUBMITTED, ledger.byWorkKey("w1").orElseThrow().state());
        }
    }

    @Test
    void aCorruptLatestLineBeforeTheLastIsAnErrorNamingTheLine() throws Exception {
        final Path file = dir.resolve("p.ledger");
        Files.writeString(file, "{\"work_key\":\"w1\",\"inputs\":[],\"attempt\":1,\"job_name\":\"j\",\"state\":\"PENDING\"}\n"
                + "{\"work_key\":\"w2\",\"inputs\":[nonsense]}\n"
                + "{\"work_key\":\"w1\",\"inputs\":[],\"attempt\":1,\"job_name\":\"j\",\"state\":\"SUBMITTING\"}\n");
        final Exception e = assertThrows(java.io.IOException.class, () -> JobLedger.open(file, Duration.ofDays(1), clock));
        assertTrue(e.getMessage().contains("line 2 is not a job record"), e.getMessage());
    }

    @Test
    void aLineALaterStateReplacedIsNotParsed() throws Exception {
        final Path file = dir.resolve("p.ledger");
        Files.writeString(file, "{\"work_key\":\"w1\",\"inputs\":[nonsense\n"
                + "{\"work_key\":\"w1\",\"inputs\":[],\"attempt\":1,\"job_name\":\"j\",\"state\":\"SUBMITTING\"}\n");
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            assertEquals(JobState.SUBMITTING, ledger.byWorkKey("w1").orElseThrow().state());
        }
        assertEquals(1, Files.readAllLines(file).size());
    }

    @Test
    void linesInAnotherShapeAreReadWhole() throws Exception {
        final Path file = dir.resolve("p.ledger");
        // Keys in another order, spaces, a blank line, a CRLF: still the same records.
        Files.writeString(file, " {\"state\":\"PENDING\",\"work_key\":\"w1\",\"inputs\":[{\"bucket\":\"b\",\"key\":\"a.jsonl\",\"version\":\"etag:1\"}],"
                + "\"attempt\":1,\"job_name\":\"j\"}\r\n\n"
                + "{\"work_key\" : \"w1\",\"state\":\"SUBMITTING\",\"inputs\":[{\"bucket\":\"b\",\"key\":\"a.jsonl\",\"version\":\"etag:1\"}],"
                + "\"attempt\":1,\"job_name\":\"j\"}");
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            assertEquals(JobState.SUBMITTING, ledger.byInput(a).orElseThrow().state());
            assertEquals(1, ledger.all().size());
        }
        assertEquals(1, Files.readAllLines(file).size());
    }

    @Test
    void anAlreadyCompactLedgerIsNotRewrittenAtOpen() throws Exception {
        final Path file = dir.resolve("p.ledger");
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            final JobRecord pending = JobRecord.pending("w1", List.of(a), "mlb-w1-a1", clock.instant());
            ledger.save(pending);
            ledger.save(pending.submitting(clock.instant()));
            ledger.save(JobRecord.pending("w2", List.of(c), "mlb-w2-a1", clock.instant()));
        }
        JobLedger.open(file, Duration.ofDays(1), clock).close(); // compacts: a new file replaces the journal
        final Object compacted = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            assertEquals(compacted, Files.readAttributes(file, BasicFileAttributes.class).fileKey(), "the same file, not a rewritten one");
            ledger.save(ledger.byWorkKey("w2").orElseThrow().submitting(clock.instant()));
        }
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            assertEquals(JobState.SUBMITTING, ledger.byWorkKey("w2").orElseThrow().state());
            assertEquals(JobState.SUBMITTING, ledger.byWorkKey("w1").orElseThrow().state());
            assertNotEquals(compacted, Files.readAttributes(file, BasicFileAttributes.class).fileKey(), "two lines for w2: compacted again");
        }
        assertEquals(2, Files.readAllLines(file).size());
    }

    @Test
    void aLongRunCompactsTheJournalAsItGoes() throws Exception {
        final Path file = dir.resolve("p.ledger");
        final List<JobRecord> records = new ArrayList<>();
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            JobRecord record = JobRecord.pending("w1", List.of(a), "mlb-w1-a1", clock.instant());
            for (int i = 0; i < 1_100; i++) {
                record = i % 2 == 0 ? record.submitting(clock.instant()) : record.submitted("task-" + i, clock.instant());
                ledger.save(record);
            }
            records.add(record);
        }
        assertTrue(Files.readAllLines(file).size() < 1_100, "compacted past 1,000 lines");
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            assertEquals(records.get(0), ledger.byWorkKey("w1").orElseThrow());
        }
    }

    @Test
    void instantsAreReadBackExactly() {
        for (final String text : List.of("2026-12-07T13:01:38.455052562Z", "2026-12-07T13:01:38.455Z", "2026-12-07T13:01:38.455052Z",
                "2026-12-07T13:01:38Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59.999999999Z", "1969-12-31T23:59:59.1Z",
                "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z")) {
            assertEquals(Instant.parse(text), JobLedger.UtcInstantDeserializer.parseUtc(text), text);
        }
        final Instant now = Instant.now();
        assertEquals(now, JobLedger.UtcInstantDeserializer.parseUtc(now.toString()));
        for (final String other : List.of("2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z",
                "2026-01-01T00:00:60Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00+01:00", "2026-01-01 00:00:00Z",
                "+10000-01-01T00:00:00Z", "2026-01-01T00:00:00.1234567890Z", "2026-01-0xT00:00:00Z")) {
            assertEquals(null, JobLedger.UtcInstantDeserializer.parseUtc(other), other);
        }
    }

    @Test
    void instantsInOtherShapesAreReadByJackson() throws Exception {
        final Path file = dir.resolve("p.ledger");
        Files.writeString(file, "{\"work_key\":\"w1\",\"inputs\":[],\"attempt\":1,\"job_name\":\"j\",\"state\":\"PENDING\","
                + "\"created_at\":1767225600.5,\"updated_at\":\"2026-01-01T00:00:00.25Z\"}\n");
        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            final JobRecord record = ledger.byWorkKey("w1").orElseThrow();
            assertEquals(Instant.parse("2026-01-01T00:00:00.5Z"), record.createdAt());
            assertEquals(Instant.parse("2026-01-01T00:00:00.25Z"), record.updatedAt());
        }
    }

    @Test
    void aLargeLedgerIsParsedInPartsAndKeepsItsOrder() throws Exception {
        final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
                .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        final int works = 25_000; // above the size parsed on one thread
        final List<String> lines = new ArrayList<>();
        final List<String> latest = new ArrayList<>();
        for (int i = 0; i < works; i++) {
            final JobRecord pending = JobRecord.pending("w" + i, List.of(new InputObject("b", "k" + i, "etag:" + i)), "j" + i,
                    clock.instant().plusMillis(i));
            lines.add(json.writeValueAsString(pending));
        }
        for (int i = 0; i < works; i++) {
            final JobRecord submitted = json.readValue(lines.get(i), JobRecord.class).submitting(clock.instant())
                    .submitted("task-" + i, clock.instant().plusMillis(i));
            latest.add(json.writeValueAsString(submitted));
        }
        lines.addAll(latest);
        final Path file = dir.resolve("large.ledger");
        Files.write(file, lines);
        final Path corrupt = dir.resolve("corrupt.ledger");
        final List<String> corruptLines = new ArrayList<>(lines);
        corruptLines.set(works + 24_000, latest.get(24_000).substring(0, 60) + "nonsense}");
        Files.write(corrupt, corruptLines);

        try (JobLedger ledger = JobLedger.open(file, Duration.ofDays(1), clock)) {
            final List<JobRecord> unfinished = ledger.unfinished();
            assertEquals(works, unfinished.size());
            for (int i = 0; i < works; i += 997) {
                assertEquals("w" + i, unfinished.get(i).workKey());
                assertEquals("task-" + i, unfinished.get(i).taskId());
                assertEquals("w" + i, ledger.byInput(new InputObject("b", "k" + i, "etag:" + i)).orElseThrow().workKey());
            }
        }
        assertEquals(latest, Files.readAllLines(file));
        final Exception e = assertThrows(java.io.IOException.class, () -> JobLedger.open(corrupt, Duration.ofDays(1), clock));
        assertTrue(e.getMessage().contains("line " + (works + 24_001) + " is not a job record"), e.getMessage());
    }
}
