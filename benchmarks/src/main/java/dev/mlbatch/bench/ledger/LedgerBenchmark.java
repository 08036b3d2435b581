package dev.mlbatch.bench.ledger;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.EventFailureHandler;
import dev.mlbatch.plugins.mlinference.MLProcessorMetrics;
import dev.mlbatch.plugins.mlinference.batch.BatchJobCoordinator;
import dev.mlbatch.plugins.mlinference.batch.BatchJobSubmitter;
import dev.mlbatch.plugins.mlinference.batch.BatchPredictRequestFactory;
import dev.mlbatch.plugins.mlinference.batch.FailureClassifier;
import dev.mlbatch.plugins.mlinference.batch.InputObject;
import dev.mlbatch.plugins.mlinference.batch.InputObjectResolver;
import dev.mlbatch.plugins.mlinference.batch.InputScreener;
import dev.mlbatch.plugins.mlinference.batch.JobEventFactory;
import dev.mlbatch.plugins.mlinference.batch.JobLedger;
import dev.mlbatch.plugins.mlinference.batch.JobNamer;
import dev.mlbatch.plugins.mlinference.batch.JobRecord;
import dev.mlbatch.plugins.mlinference.batch.JobRepair;
import dev.mlbatch.plugins.mlinference.batch.JobState;
import dev.mlbatch.plugins.mlinference.batch.JobTracker;
import dev.mlbatch.plugins.mlinference.config.ServiceName;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetterFile;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code ./mlbatch bench ledger [--jobs 100000]}: how long the {@code ml_inference} processor takes to start on a job
 * ledger that holds N finished jobs, and that a replay of those N inputs creates no job.
 * <ol>
 *   <li>The ledger is written by the processor's own code: a {@link BatchJobCoordinator} wired as the processor wires
 *       it for Bedrock takes N metadata_only events through their jobs (pending, submitting, submitted, completed: four
 *       lines per job, which is what one run leaves, since compaction only starts past 4 lines per record). Only the
 *       job service is a stand-in ({@link CountingJobService}, every job COMPLETED when polled). It is written on
 *       {@code /dev/shm} when there is one (400,000 fsyncs would take minutes on a disk) and then moved to disk.</li>
 *   <li>Side by side: the same file read line by line with a BufferedReader and Jackson's readTree (the bare
 *       library), then a start of the processor's coordinator on it ({@link JobLedger#open} and the coordinator's
 *       constructor); the ratio of the two; the heap the started coordinator holds (used heap after a GC).</li>
 *   <li>The N events again (the same objects, as a source's redelivery would bring them) through the coordinator's
 *       own intake: the ledger's look-up by input must attach each to its finished job. Counted: creates sent to the
 *       job service and work records added to the ledger, both of which must be 0.</li>
 *   <li>A second start, on the file the first start compacted (what every later restart reads).</li>
 * </ol>
 * Last line: {@code ledger: <s> s to open N finished jobs (<r> x a bare read), <n> new jobs on replay (target <= 2 s, 0)}.
 */
public final class LedgerBenchmark {
    static final int DEFAULT_JOBS = 100_000;
    private static final String PIPELINE = "bench-ledger";
    private static final String MODEL = "bench-bedrock-model";
    private static final String BUCKET = "bench-inputs";
    private static final String OUTPUT = "s3://bench-outputs/embeddings";
    /** The processor's default state_retention: every job written here stays in the ledger. */
    private static final Duration RETENTION = Duration.ofDays(30);
    /** Jobs in flight at once while the ledger is written (keeps each coordinator tick short). */
    private static final int WRITE_CHUNK = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one run measured. */
    public record Result(int jobs, long linesAsLeft, long bytesAsLeft, double bareReadSeconds, double openSeconds,
                         double startSeconds, double ratio, long heapHeldBytes, int replayed, int newJobs,
                         long linesCompacted, double restartSeconds, double bareReadCompactedSeconds, String lastLine) {
    }

    private LedgerBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        final int jobs = jobsArgument(args);
        final Path dir = Files.createTempDirectory("mlbatch-bench-ledger");
        try {
            final Result result = run(jobs, dir, System.out);
            if (result.newJobs() != 0) {
                System.exit(1);
            }
        } finally {
            deleteTree(dir);
        }
    }

    static int jobsArgument(final String[] args) {
        int jobs = DEFAULT_JOBS;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--jobs") && i + 1 < args.length) {
                jobs = parsePositive(args[++i]);
            } else if (args[i].startsWith("--jobs=")) {
                jobs = parsePositive(args[i].substring("--jobs=".length()));
            } else {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'; usage: mlbatch bench ledger [--jobs N]");
            }
        }
        return jobs;
    }

    private static int parsePositive(final String text) {
        try {
            final int value = Integer.parseInt(text.replace("_", "").replace(",", ""));
            if (value > 0) {
                return value;
            }
        } catch (final NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("--jobs needs a positive whole number, got '" + text + "'");
    }

    /** Runs the benchmark in {@code dir} (left for the caller to delete), printing to {@code out}. */
    public static Result run(final int jobs, final Path dir, final PrintStream out) throws Exception {
        Metrics.globalRegistry.add(new SimpleMeterRegistry());
        // The coordinator and tracker log INFO lines per job created and ended and per replayed event (400,000 here);
        // the ledger's own lines stay.
        setLevel("dev.mlbatch.plugins.mlinference.batch", Level.WARN);
        setLevel("dev.mlbatch.plugins.mlinference.batch.JobLedger", Level.INFO);
        final Path ledgerFile = dir.resolve(PIPELINE + "-ml_inference.ledger");

        final long writeStart = System.nanoTime();
        writeLedger(jobs, dir, ledgerFile);
        final double writeSeconds = seconds(writeStart);
        final long linesAsLeft = countLines(ledgerFile);
        final long bytesAsLeft = Files.size(ledgerFile);
        out.printf("ledger as the processor left it: %,d finished jobs, %,d lines, %,.1f MB (written by the coordinator in %.1f s)%n",
                jobs, linesAsLeft, bytesAsLeft / 1e6, writeSeconds);

        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final long heapBefore = heapUsedAfterGc(memory);

        final long bareStart = System.nanoTime();
        final long bareNodes = bareRead(ledgerFile);
        final double bareSeconds = seconds(bareStart);
        if (bareNodes != linesAsLeft) {
            throw new IllegalStateException("bare read of " + ledgerFile + " found " + bareNodes + " JSON lines, expected " + linesAsLeft);
        }

        final Clock clock = Clock.systemUTC();
        final long startStart = System.nanoTime();
        final JobLedger ledger = JobLedger.open(ledgerFile, RETENTION, clock);
        final double openSeconds = seconds(startStart);
        final CountingJobService service = new CountingJobService(false);
        final Wiring wiring = new Wiring(ledger, service, dir, clock);
        final double startSeconds = seconds(startStart);
        final long heapHeld = heapUsedAfterGc(memory) - heapBefore;
        final int recordsAtStart = ledger.all().size();
        out.printf("bare read (BufferedReader + Jackson readTree per line): %.3f s for %,d lines%n", bareSeconds, bareNodes);
        out.printf("coordinator start: %.3f s (JobLedger.open %.3f s: replay, compaction to %,d lines; coordinator %.3f s), %,d records, %d unfinished%n",
                startSeconds, openSeconds, countLines(ledgerFile), startSeconds - openSeconds, recordsAtStart,
                wiring.coordinator.unfinished());
        out.printf("heap held after start: %,.1f MB (used heap after GC: %,.1f MB before the start, %,.1f MB after)%n",
                heapHeld / 1e6, heapBefore / 1e6, (heapBefore + heapHeld) / 1e6);
        if (recordsAtStart != jobs) {
            throw new IllegalStateException("the ledger " + ledgerFile + " opened with " + recordsAtStart + " records, expected " + jobs);
        }

        final List<Event> replay = new ArrayList<>(jobs);
        for (int i = 0; i < jobs; i++) {
            replay.add(inputEvent(i));
        }
        final Replay replayed = replay(wiring, ledger, service, replay);
        final int newJobs = replayed.newJobs();
        out.printf("replay: %,d events in %.3f s; %,d passed on with job_state COMPLETED and their job's name, "
                        + "%.0f duplicates avoided; %d creates and %d look-ups sent to the job service, %d work records added to the ledger%n",
                jobs, replayed.seconds(), replayed.completedWithName(), wiring.metrics.batchJobDuplicatesAvoided().count(),
                service.creates(), service.lookUps(), replayed.newRecords());
        wiring.close();
        ledger.close();

        final long linesCompacted = countLines(ledgerFile);
        final long bareCompactedStart = System.nanoTime();
        bareRead(ledgerFile);
        final double bareCompactedSeconds = seconds(bareCompactedStart);
        final long restartStart = System.nanoTime();
        final int recordsAtRestart;
        try (JobLedger again = JobLedger.open(ledgerFile, RETENTION, clock);
             Wiring restarted = new Wiring(again, new CountingJobService(false), dir, clock)) {
            recordsAtRestart = again.all().size();
        }
        final double restartSeconds = seconds(restartStart);
        out.printf("restart on the compacted ledger (%,d lines, %,d records): %.3f s; bare read %.3f s%n",
                linesCompacted, recordsAtRestart, restartSeconds, bareCompactedSeconds);

        final double ratio = startSeconds / bareSeconds;
        final String lastLine = String.format(Locale.ROOT, "ledger: %.2f s to open %d finished jobs (%.2f x a bare read), %d new jobs on replay (target <= 2 s, 0)",
                startSeconds, jobs, ratio, newJobs);
        out.println(lastLine);
        return new Result(jobs, linesAsLeft, bytesAsLeft, bareSeconds, openSeconds, startSeconds, ratio, heapHeld, replayed.passedOn(),
                newJobs, linesCompacted, restartSeconds, bareCompactedSeconds, lastLine);
    }

    /** What a replay through the coordinator's intake did. */
    record Replay(int passedOn, long completedWithName, int creates, int newRecords, double seconds) {
        /** Every job starts as a work record in the ledger before it is sent; either count is a new job. */
        int newJobs() {
            return Math.max(creates, newRecords);
        }
    }

    /**
     * The events through a coordinator started on {@code ledger} with a job service that runs no job; used by
     * {@link #run} and by the test that checks the count sees a new input.
     */
    static Replay replay(final JobLedger ledger, final Path dir, final List<Event> events) throws InterruptedException {
        final CountingJobService service = new CountingJobService(false);
        try (Wiring wiring = new Wiring(ledger, service, dir, Clock.systemUTC())) {
            return replay(wiring, ledger, service, events);
        }
    }

    private static Replay replay(final Wiring wiring, final JobLedger ledger, final CountingJobService service,
                                 final List<Event> events) throws InterruptedException {
        final int recordsBefore = ledger.all().size();
        final long start = System.nanoTime();
        // An input the ledger did not know would wait for its job (which this service never ends): stop once nothing moves.
        final List<Event> passedOn = wiring.take(events, Duration.ofMinutes(10), Duration.ofSeconds(3));
        final double seconds = seconds(start);
        final long completedWithName = passedOn.stream().filter(e -> {
            final String name = e.get("job_name", String.class);
            return JobState.COMPLETED.name().equals(e.get("job_state", String.class)) && name != null
                    && name.equals(ledger.byWorkKey(wiring.namer.workKey(List.of(input(e)))).map(JobRecord::jobName).orElse(null));
        }).count();
        return new Replay(passedOn.size(), completedWithName, service.creates(), ledger.all().size() - recordsBefore, seconds);
    }

    /** N jobs through a coordinator to their end, on a scratch ledger moved to {@code ledgerFile} once it is closed. */
    private static void writeLedger(final int jobs, final Path dir, final Path ledgerFile) throws Exception {
        final Path shm = Path.of("/dev/shm");
        final Path scratchDir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "mlbatch-bench-ledger") : dir;
        final Path scratch = scratchDir.resolve(ledgerFile.getFileName());
        final Clock clock = Clock.systemUTC();
        final CountingJobService service = new CountingJobService(true);
        try (JobLedger ledger = JobLedger.open(scratch, RETENTION, clock);
             Wiring wiring = new Wiring(ledger, service, scratchDir, clock)) {
            for (int from = 0; from < jobs; from += WRITE_CHUNK) {
                final List<Event> events = new ArrayList<>();
                for (int i = from; i < Math.min(jobs, from + WRITE_CHUNK); i++) {
                    events.add(inputEvent(i));
                }
                wiring.take(events, Duration.ofMinutes(5), null);
            }
            if (service.creates() != jobs || ledger.unfinished().size() != 0) {
                throw new IllegalStateException("writing the ledger: " + service.creates() + " jobs created for " + jobs
                        + " inputs, " + ledger.unfinished().size() + " unfinished");
            }
        }
        if (!scratchDir.equals(dir)) {
            Files.move(scratch, ledgerFile, StandardCopyOption.REPLACE_EXISTING);
            deleteTree(scratchDir);
        }
    }

    /** The i-th input object's metadata_only event, as the s3 source emits it (bucket, key, time, length). */
    static Event inputEvent(final int i) {
        return JacksonEvent.builder().withEventType("event").withData(Map.of(
                "bucket", BUCKET,
                "key", String.format("batch/2026-12-07/part-%07d.jsonl", i),
                "time", 1_765_000_000L + i,
                "length", 250_000 + (i % 1000))).build();
    }

    private static InputObject input(final Event event) {
        return new InputObject(event.get("bucket", String.class), event.get("key", String.class),
                "modified:" + event.get("time", Long.class) + ",length:" + event.get("length", Long.class));
    }

    /** Every non-blank line parsed to a tree by Jackson, nothing more: what reading the file costs at the least. */
    static long bareRead(final Path file) throws IOException {
        long nodes = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    final JsonNode node = JSON.readTree(line);
                    if (node.size() > 0) {
                        nodes++;
                    }
                }
            }
        }
        return nodes;
    }

    private static long countLines(final Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(line -> !line.isBlank()).count();
        }
    }

    private static long heapUsedAfterGc(final MemoryMXBean memory) {
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static double seconds(final long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void setLevel(final String loggerName, final Level level) {
        if (LoggerFactory.getLogger(loggerName) instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(level);
        }
    }

    private static void deleteTree(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * A coordinator wired as {@code MLProcessor} wires it for Bedrock through ML Commons (track_jobs, no input check, a
     * dead-letter file beside the ledger), driven by calling tick() the way its runner thread does.
     */
    private static final class Wiring implements AutoCloseable {
        final JobNamer namer = new JobNamer(ServiceName.BEDROCK, MODEL, OUTPUT);
        final MLProcessorMetrics metrics = new MLProcessorMetrics(PluginMetrics.fromNames("ml_inference", PIPELINE + "-" + UUID.randomUUID()));
        final BatchJobCoordinator coordinator;
        private final DeadLetterFile deadLetters;

        Wiring(final JobLedger ledger, final CountingJobService service, final Path dir, final Clock clock) {
            final BatchPredictRequestFactory requests = new BatchPredictRequestFactory(JSON, OUTPUT, Map.of());
            deadLetters = new DeadLetterFile(dir.resolve(PIPELINE + "-ml_inference-dead-letters.jsonl"), PIPELINE, JSON, clock);
            final BatchJobSubmitter submitter = new BatchJobSubmitter(service, MODEL, ServiceName.BEDROCK, requests, null, namer,
                    new FailureClassifier(), ledger, clock);
            coordinator = new BatchJobCoordinator(new BatchJobCoordinator.Settings(ServiceName.BEDROCK, true, 0, 100,
                    Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofSeconds(1), Duration.ofMinutes(5), 3),
                    new InputObjectResolver(null), InputScreener.none(), JobRepair.none(), namer, ledger, submitter,
                    new JobTracker(service), null, new JobEventFactory(ServiceName.BEDROCK, MODEL, requests),
                    new EventFailureHandler(List.of("ml_failed"), deadLetters, metrics), metrics, clock);
        }

        /**
         * Hands the events to the coordinator and ticks until each has come back out, or (with {@code stall}) until
         * none has for that long; returns those that came out.
         */
        List<Event> take(final List<Event> events, final Duration timeout, final Duration stall) throws InterruptedException {
            coordinator.accept(events);
            final List<Event> out = new ArrayList<>(events.size());
            final long deadline = System.nanoTime() + timeout.toNanos();
            long lastProgress = System.nanoTime();
            while (out.size() < events.size()) {
                if (stall != null && System.nanoTime() - lastProgress > stall.toNanos()) {
                    return out;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the coordinator passed on " + out.size() + " of " + events.size()
                            + " events in " + timeout + " (" + coordinator.unfinished() + " unfinished jobs)");
                }
                coordinator.tick();
                final List<Record<Event>> ready = coordinator.drainReady();
                for (final Record<Event> record : ready) {
                    if (!JobEventFactory.EVENT_TYPE.equals(record.getData().getMetadata().getEventType())) {
                        out.add(record.getData());
                    }
                }
                if (ready.isEmpty()) {
                    Thread.sleep(1);
                } else {
                    lastProgress = System.nanoTime();
                }
            }
            return out;
        }

        @Override
        public void close() {
            coordinator.close();
            deadLetters.close();
        }
    }
}
