package dev.mlbatch.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.runtime.RuntimeProcess;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The three pipelines of {@code pipelines/local/<provider>/} on the local stack, each stage in its own runtime JVM:
 * load the corpus into S3, stage 1 (prepare) until its one scan is done, stage 2 (trigger) until every provider job
 * has ended and written its output, stage 3 (ingest) until every record is in the index with its vector. Stages 2
 * and 3 scan on a schedule and never finish on their own; like an operator, the flow stops them once their work is
 * visibly done.
 */
public final class EndToEndFlow implements AutoCloseable {

    public static final String PREPARE = "1-prepare";
    public static final String TRIGGER = "2-trigger";
    public static final String INGEST = "3-ingest";
    /** The variable the local pipelines read the index name from ({@code index: "${{env:MLBATCH_INDEX}}"}). */
    public static final String INDEX_ENV = "MLBATCH_INDEX";
    /** The variable the local pipelines read the bucket from. */
    public static final String BUCKET_ENV = dev.mlbatch.stack.StackEnv.S3_BUCKET;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
    private static final String STAGE_HEAP = System.getenv().getOrDefault("MLBATCH_STAGE_HEAP", "768m");

    private final LocalStack stack;
    private final Provider provider;
    private final FlowDestination destination;
    private final Path pipelinesDir;
    private final Path workDir;
    private final StageLauncher launcher;
    private final PrintStream out;
    private final S3Client s3;
    private final FlowObserver observer;
    private final IndexingFailures indexingFailures;
    private final Map<String, Duration> stageTimes = new LinkedHashMap<>();
    private Instant started = Instant.now();
    private List<String> loadedIds = List.of();
    private RecordAccount.RawInput raw = RecordAccount.RawInput.of(List.of());
    private String rawObjectName = "corpus.jsonl";

    /**
     * @param pipelinesDir {@code pipelines/local}
     * @param workDir      where the stage JVMs run (ledger, coordination stores, logs)
     * @param classpath    the class path of the stage JVMs (runtime and plugins)
     * @param stackHome    the stack's home, whose env file the stages read
     */
    public EndToEndFlow(final LocalStack stack, final Provider provider, final Path pipelinesDir, final Path workDir,
                        final String classpath, final Path stackHome, final PrintStream out) {
        this(stack, provider, FlowDestination.demo(stack, provider), pipelinesDir, workDir, classpath, stackHome, out);
    }

    /** The flow into {@code destination}'s bucket and index: the stage JVMs get both through their environment. */
    public EndToEndFlow(final LocalStack stack, final Provider provider, final FlowDestination destination,
                        final Path pipelinesDir, final Path workDir, final String classpath, final Path stackHome,
                        final PrintStream out) {
        this(stack, provider, destination, pipelinesDir, workDir, StageLauncher.runtime(classpath, STAGE_HEAP,
                Map.of("MLBATCH_HOME", stackHome.toString(), INDEX_ENV, destination.index(), BUCKET_ENV, destination.bucket())), out);
    }

    /**
     * The same flow with each stage started by {@code launcher} (e.g. in a real Data Prepper): {@code pipelinesDir}
     * holds {@code <provider>/<stage>.yaml} as that launcher needs them, rendered for the demo's bucket and index.
     */
    public EndToEndFlow(final LocalStack stack, final Provider provider, final Path pipelinesDir, final Path workDir,
                        final StageLauncher launcher, final PrintStream out) {
        this(stack, provider, FlowDestination.demo(stack, provider), pipelinesDir, workDir, launcher, out);
    }

    /** A flow whose {@code launcher} starts stages that write to {@code destination}'s bucket and index. */
    public EndToEndFlow(final LocalStack stack, final Provider provider, final FlowDestination destination,
                        final Path pipelinesDir, final Path workDir, final StageLauncher launcher, final PrintStream out) {
        this.stack = stack;
        this.provider = provider;
        this.destination = destination;
        this.pipelinesDir = pipelinesDir;
        this.workDir = workDir;
        this.launcher = launcher;
        this.out = out;
        this.s3 = stack.newS3Client();
        this.observer = new FlowObserver(stack, provider, destination, s3);
        this.indexingFailures = new IndexingFailures(destination.index());
    }

    /**
     * Names the raw object {@link #load} writes (default {@code corpus.jsonl}). Job names follow from the input
     * objects, so on a stack that has already run these records (ML Commons remembers the task; the provider refuses
     * the name again) a fresh name is what gets fresh jobs instead of adopting the earlier, already reset, ones.
     */
    public EndToEndFlow rawObjectName(final String name) {
        this.rawObjectName = name;
        return this;
    }

    /** The {@code _id}s of the records the last {@link #load} put into S3. */
    public List<String> loadedIds() {
        return loadedIds;
    }

    public FlowObserver observer() {
        return observer;
    }

    public FlowDestination destination() {
        return destination;
    }

    /** Everything the three stages run in one go, from a clean slate. */
    public FlowSummary run(final Path corpus, final int records) throws IOException, InterruptedException {
        reset();
        load(corpus, records);
        prepare();
        try (RuntimeProcess trigger = start(TRIGGER)) {
            awaitJobsEnded(trigger, Duration.ofHours(2));
            stop(trigger);
        }
        try (RuntimeProcess ingest = start(INGEST)) {
            awaitIndexed(ingest, Duration.ofHours(2));
            stop(ingest);
        }
        return summary();
    }

    /**
     * The three stages running together, as a deployment runs them (each pipeline picks up what the previous one
     * writes as it appears); returns when every record is indexed. Stages 2 and 3 are started first and waited for,
     * as in a deployment where they are always up; the clock starts when the raw file is put into S3, and stage 1
     * (a one-shot scan, as its local pipeline is) is started on it then, so its JVM start is on the clock. Stage
     * times are the time until each stage's work was done, from the end of the load.
     */
    public FlowSummary runTogether(final Path corpus, final int records) throws IOException, InterruptedException {
        reset();
        try (RuntimeProcess trigger = start(TRIGGER);
             RuntimeProcess ingest = start(INGEST)) {
            trigger.awaitStarted(STARTUP_TIMEOUT);
            ingest.awaitStarted(STARTUP_TIMEOUT);
            load(corpus, records);
            try (RuntimeProcess prepare = start(PREPARE, true)) {
                awaitJobsEnded(trigger, Duration.ofHours(2));
                awaitIndexed(ingest, Duration.ofHours(2));
                awaitSuccess(prepare, Duration.ofMinutes(1));
            }
            stop(trigger);
            stop(ingest);
        }
        return summary();
    }

    /**
     * Removes what an earlier run left: the index, the provider's objects in the bucket, the stages' state; creates
     * the bucket if it is not there yet.
     */
    public void reset() throws IOException {
        final String index = destination.index();
        final OpenSearchHttp.Answer deleted = new OpenSearchHttp(stack.openSearchUrl()).delete("/" + index);
        if (!deleted.ok() && deleted.status() != 404) {
            throw new IllegalStateException("could not delete index " + index + ": HTTP " + deleted.status());
        }
        try {
            s3.headBucket(r -> r.bucket(destination.bucket()));
        } catch (final software.amazon.awssdk.services.s3.model.NoSuchBucketException missing) {
            s3.createBucket(r -> r.bucket(destination.bucket()));
        }
        final List<ObjectIdentifier> batch = new ArrayList<>();
        for (final S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(destination.bucket()).prefix(provider.prefix())).contents()) {
            batch.add(ObjectIdentifier.builder().key(o.key()).build());
            if (batch.size() == 1000) {
                deleteObjects(batch);
            }
        }
        deleteObjects(batch);
        if (Files.exists(workDir)) {
            try (Stream<Path> paths = Files.walk(workDir)) {
                for (final Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(workDir);
        stageTimes.clear();
        indexingFailures.clear();
    }

    private void deleteObjects(final List<ObjectIdentifier> keys) {
        if (!keys.isEmpty()) {
            s3.deleteObjects(r -> r.bucket(destination.bucket()).delete(d -> d.objects(List.copyOf(keys)).quiet(true)));
            keys.clear();
        }
    }

    /**
     * Puts the first {@code records} lines of the corpus into the provider's raw prefix, as one object; returns the
     * {@code _id}s loaded.
     */
    public List<String> load(final Path corpus, final int records) throws IOException {
        final Instant t0 = Instant.now();
        final List<String> lines = new ArrayList<>(records);
        try (BufferedReader reader = Files.newBufferedReader(corpus, StandardCharsets.UTF_8)) {
            String line;
            while (lines.size() < records && (line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        }
        if (lines.size() < records) {
            throw new IllegalArgumentException(corpus + " holds " + lines.size() + " records, fewer than the " + records + " asked for");
        }
        return load(lines.stream().map(line -> line.getBytes(StandardCharsets.UTF_8)).toList(), t0);
    }

    /**
     * Puts these raw lines (bytes as they are: bad records included) into the provider's raw prefix as one object;
     * returns the {@code _id}s of the lines that have one.
     */
    public List<String> load(final List<byte[]> lines, final Instant t0) throws IOException {
        final java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        final List<String> ids = new ArrayList<>(lines.size());
        final List<String> texts = new ArrayList<>(lines.size());
        for (final byte[] line : lines) {
            body.write(line);
            body.write('\n');
            final String text = new String(line, StandardCharsets.UTF_8);
            texts.add(text);
            try {
                final com.fasterxml.jackson.databind.JsonNode id = JSON.readTree(text).path("_id");
                if (id.isValueNode() && !id.isNull()) {
                    ids.add(id.asText());
                }
            } catch (final IOException notJson) {
                // Counted by the account as a line that is not JSON.
            }
        }
        final String key = provider.rawPrefix() + rawObjectName;
        s3.putObject(r -> r.bucket(destination.bucket()).key(key), RequestBody.fromBytes(body.toByteArray()));
        this.loadedIds = List.copyOf(ids);
        this.raw = RecordAccount.RawInput.of(texts);
        this.started = t0;
        stageTimes.put("load into S3", Duration.between(t0, Instant.now()));
        out.printf(Locale.ROOT, "loaded %d records into s3://%s/%s%n", lines.size(), destination.bucket(), key);
        return ids;
    }

    /** Where every record of the last load went, as far as the flow has got. */
    public RecordAccount account() {
        return RecordAccount.of(raw, observer.documentsWithVector(), indexingFailures.read().size(), s3, destination.bucket(), provider);
    }

    /** The documents stage 3 logged as not indexed (one per id), since this flow's last reset. */
    public List<IndexingFailures.Failure> indexingFailures() {
        return indexingFailures.read();
    }

    /**
     * Stages 2 and 3 side by side after stage 1, until every provider job has ended and every record is accounted
     * for (indexed, rejected or dead-lettered): the way to run inputs with bad records, whose jobs may fail and be
     * split, or end partially and be followed up.
     */
    public FlowSummary runAccounted(final List<byte[]> lines) throws IOException, InterruptedException {
        reset();
        load(lines, Instant.now());
        prepare();
        try (RuntimeProcess trigger = start(TRIGGER);
             RuntimeProcess ingest = start(INGEST)) {
            final Instant t0 = Instant.now();
            out.printf("stages 2 and 3 (%s, %s) until every record is accounted for%n", TRIGGER, INGEST);
            final int[] settled = {0};
            // 30 minutes, and more for a large corpus (a user's, through mlbatch index): 20 records/s at the least.
            final Duration timeout = Duration.ofMinutes(30).plusSeconds(lines.size() / 20);
            stageTimes.put("stages 2 and 3", watch(trigger, "every record was accounted for", timeout, POLL, () -> {
                if (!ingest.isAlive()) {
                    throw new IllegalStateException(ingest.name() + " stopped; see " + ingest.log());
                }
                final ProviderJobs jobs = observer.providerJobs(started);
                final RecordAccount account = account();
                // Balanced twice in a row with every job ended: no follow-up job is still about to be created.
                settled[0] = account.balanced() && jobs.count() > 0 && jobs.allEnded() ? settled[0] + 1 : 0;
                return new Progress(String.format(Locale.ROOT, "provider jobs %s; indexed %d, rejected %d, dead-lettered %d%s of %d",
                        jobs.describe(), account.indexed(), account.rejected(), account.deadLettered(),
                        account.keptByStage3() == 0 ? "" : ", kept in failed/ " + account.keptByStage3(), account.recordsIn()),
                        settled[0] >= 3);
            }));
            stop(trigger);
            stop(ingest);
            out.printf(Locale.ROOT, "  (%.1f s)%n", Duration.between(t0, Instant.now()).toMillis() / 1000.0);
        }
        return summary();
    }

    /** Stage 1: one scan of the raw prefix; the runtime exits when its source has finished. */
    public void prepare() throws IOException, InterruptedException {
        final Instant t0 = Instant.now();
        out.printf("stage 1 (%s): raw documents -> %s input files%n", PREPARE, provider);
        try (RuntimeProcess stage = start(PREPARE, true)) {
            if (launcher.exitsWhenDone()) {
                awaitSuccess(stage, Duration.ofMinutes(30));
            } else {
                // A JVM that keeps running once its one-shot scan is done: stop it once every record it read is
                // written (as input, or rejected with its reason; lines that are not JSON are never written).
                final long expected = raw.records() - raw.notJson();
                watch(stage, "every record was written", Duration.ofMinutes(30), POLL, () -> {
                    final long written = observer.inputRecords() + account().rejected();
                    return new Progress(String.format(Locale.ROOT, "stage 1: records written %d/%d", written, expected),
                            written >= expected);
                });
                stop(stage);
            }
        }
        stageTimes.put("stage 1 prepare", Duration.between(t0, Instant.now()));
        out.printf(Locale.ROOT, "stage 1 done: %d input files in s3://%s/%s%n", observer.inputFiles().size(),
                destination.bucket(), provider.inputPrefix());
    }

    private static void awaitSuccess(final RuntimeProcess stage, final Duration timeout) throws InterruptedException {
        final int exit = stage.awaitExit(timeout);
        if (exit != 0) {
            throw new IllegalStateException(stage.name() + " exited with " + exit + "; see " + stage.log());
        }
    }

    public RuntimeProcess start(final String stage) throws IOException {
        return start(stage, false);
    }

    private RuntimeProcess start(final String stage, final boolean exitWhenDone) throws IOException {
        final Path pipeline = pipelinesDir.resolve(provider.id()).resolve(stage + ".yaml");
        if (!Files.isRegularFile(pipeline)) {
            throw new IllegalArgumentException("pipeline file " + pipeline + " does not exist");
        }
        final RuntimeProcess process = launcher.start(stage, pipeline, workDir, exitWhenDone);
        if (stage.equals(INGEST)) {
            indexingFailures.follow(process.log());
        }
        return process;
    }

    /**
     * Stage 2's work is done when every input file has its output and every job the provider received has ended.
     * Prints a progress line whenever something moved; fails fast on a failed job or a dead stage.
     */
    public void awaitJobsEnded(final RuntimeProcess trigger, final Duration timeout) throws InterruptedException {
        out.printf("stage 2 (%s): one %s batch job per %s%n", TRIGGER, provider,
                provider.jobUnit());
        stageTimes.put("stage 2 trigger", watch(trigger, "its jobs ended", timeout, POLL, () -> {
            final int inputs = observer.inputFiles().size();
            final int outputs = observer.outputFiles().size();
            final ProviderJobs jobs = observer.providerJobs(started);
            if (!jobs.failed().isEmpty()) {
                throw new IllegalStateException("provider job(s) failed: " + jobs.failed() + "; see " + trigger.log());
            }
            return new Progress(String.format(Locale.ROOT, "stage 2: input files %d, provider jobs %s, output files %d/%d",
                    inputs, jobs.describe(), outputs, inputs),
                    // No new job is fine: a job of an earlier run found by name whose results OpenAI or Cohere still
                    // hold is not run again, its results are copied again (reset() removed every earlier output).
                    inputs > 0 && outputs >= inputs && jobs.allEnded());
        }));
    }

    /** Stage 3's work is done when every record is in the index, with its vector. */
    public void awaitIndexed(final RuntimeProcess ingest, final Duration timeout) throws InterruptedException {
        out.printf("stage 3 (%s): %s outputs -> index %s%n", INGEST, provider, destination.index());
        final int records = loadedIds.size();
        stageTimes.put("stage 3 ingest", watch(ingest, "every record was indexed", timeout, POLL, () -> {
            final long documents = observer.documents();
            final long withVector = observer.documentsWithVector();
            return new Progress(String.format(Locale.ROOT, "stage 3: documents %d/%d, with a vector %d/%d", documents,
                    records, withVector, records), documents >= records && withVector >= records || account().balanced());
        }));
    }

    /** Waits, checking every 200 ms, until {@code condition} holds while {@code stage} runs (e.g. to kill it then). */
    public void awaitUntil(final RuntimeProcess stage, final String what, final BooleanSupplier condition,
                           final Duration timeout) throws InterruptedException {
        watch(stage, what, timeout, Duration.ofMillis(200), () -> new Progress(null, condition.getAsBoolean()));
    }

    /** One look at a stage's work: a progress line to print when it changed ({@code null}: none), and whether it is done. */
    private record Progress(String line, boolean done) {
    }

    /** Looks every {@code every} until the work is done; fails if the stage dies or time runs out. Returns the time taken. */
    private Duration watch(final RuntimeProcess stage, final String what, final Duration timeout, final Duration every,
                           final Supplier<Progress> look) throws InterruptedException {
        final Instant t0 = Instant.now();
        final Instant deadline = t0.plus(timeout);
        String last = null;
        while (true) {
            final Progress progress = look.get();
            if (progress.line() != null && !progress.line().equals(last)) {
                out.printf(Locale.ROOT, "  [%5.1f s] %s%n", Duration.between(t0, Instant.now()).toMillis() / 1000.0, progress.line());
                last = progress.line();
            }
            if (progress.done()) {
                return Duration.between(t0, Instant.now());
            }
            if (!stage.isAlive()) {
                throw new IllegalStateException(stage.name() + " stopped before " + what + "; see " + stage.log());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(stage.name() + ": not done (" + what + ") within " + timeout + "; see " + stage.log());
            }
            Thread.sleep(every.toMillis());
        }
    }

    public void stop(final RuntimeProcess stage) throws InterruptedException {
        launcher.stop(stage, STOP_TIMEOUT);
    }

    public FlowSummary summary() {
        return new FlowSummary(provider, destination.index(), loadedIds.size(), observer.inputFiles().size(), observer.providerJobs(started),
                observer.documents(), observer.documentsWithVector(), account(), stageTimes);
    }

    @Override
    public void close() {
        s3.close();
    }
}
