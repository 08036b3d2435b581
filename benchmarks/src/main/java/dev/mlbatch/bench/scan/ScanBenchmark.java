package dev.mlbatch.bench.scan;

import dev.mlbatch.bench.plugins.BenchmarkCounterSink;
import dev.mlbatch.runtime.DataPrepperRuntime;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code ./mlbatch bench scan}: in one run against local s3proxy servers in their own JVMs (a {@link SyntheticBucket}
 * of {@code --objects} small objects, default 100,000; the filesystem backend for the big object),
 * <ol>
 *   <li>a {@code --big-mb} MB (default 1024; 0 skips it) ndjson object read in {@code data_only} mode, sampling the heap,</li>
 *   <li>an untimed bare ListObjectsV2 pagination of the bucket (warms the server up), then a timed one,</li>
 *   <li>the same bucket scanned in {@code metadata_only} mode through the local runtime (s3 source →
 *       {@code benchmark_counter} sink), acknowledgements on (the published example), off, and with one worker,
 *       sampling the heap and measuring what stays after a GC,</li>
 *   <li>a second bare pagination (the faster one is used).</li>
 * </ol>
 * Run it with {@code -Xmx256m}. Options in {@link ScanBenchmarkOptions}. Last line: {@code scan: <ratio> of bare
 * listing (...)}, ratio = acknowledged metadata_only events/s over listed objects/s.
 */
public final class ScanBenchmark {
    private static final String ACCESS_KEY = LocalS3ServerMain.ACCESS_KEY;
    private static final String SECRET_KEY = LocalS3ServerMain.SECRET_KEY;
    private static final String SCAN_BUCKET = "scan-bench";
    private static final String BIG_BUCKET = "big-bench";

    private ScanBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        final ScanBenchmarkOptions options;
        try {
            options = ScanBenchmarkOptions.parse(args);
        } catch (final IllegalArgumentException e) {
            System.err.println("bench scan: " + e.getMessage());
            System.err.println(ScanBenchmarkOptions.USAGE);
            System.exit(64);
            return;
        }
        final int objects = options.objects();
        final int workers = options.sourceWorkers();
        final Path work = Files.createTempDirectory("scan-bench");
        LocalS3Server scanServer = null;
        LocalS3Server bigServer = null;
        try {
            System.out.printf(Locale.ROOT, "preparing %,d objects%s%n", objects,
                    options.bigObject() ? String.format(Locale.ROOT, " and a %,d MB ndjson object", options.bigMb()) : " (no big object: --big-mb 0)");
            // The small objects are a synthetic bucket: no memory per object and a page costs the same at any size,
            // so the listing measures s3proxy's per-page cost, not its sorting of the whole bucket.
            scanServer = LocalS3Server.start("-Xmx512m", "synthetic", SCAN_BUCKET, String.valueOf(objects));
            final String endpoint = "http://127.0.0.1:" + scanServer.port();
            System.setProperty("aws.accessKeyId", ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", SECRET_KEY);
            System.setProperty("aws.region", "us-east-1");

            String heapLine = null;
            if (options.bigObject()) {
                final Path data = work.resolve("s3");
                final long[] big = writeBigNdjson(data.resolve(BIG_BUCKET).resolve("big.ndjson"), options.bigMb() * 1024L * 1024L);
                bigServer = LocalS3Server.start("-Xmx512m", "filesystem", data.toString());
                // The big object runs first: it is the only phase that loads a codec, and the runtime's plugin classes
                // are best loaded by the first runtime of the JVM (see s3-source-metadata-mode/README.md, "Benchmark").
                System.setProperty("aws.endpointUrlS3", "http://127.0.0.1:" + bigServer.port());
                heapLine = bigObjectHeap(work, big[0], big[1]);
                bigServer.close();
                bigServer = null;
            }
            System.setProperty("aws.endpointUrlS3", endpoint);
            // s3proxy's JIT warms up over a whole pass (a cold first pass took 1.6x the second): without this untimed
            // pass the run that comes first would be measured against a slower server than the runs after it.
            bareListingRate(endpoint, objects, "warm-up, not counted");
            final double bareBefore = bareListingRate(endpoint, objects, "before");
            scanServer.resetCounts();
            final ScanRun withAcks = pipelineRate(work, objects, workers, true);
            final LocalS3Server.RequestCounts counts = scanServer.counts();
            final ScanRun withoutAcks = pipelineRate(work, objects, workers, false);
            final ScanRun oneWorkerWithAcks = workers == 1 ? withAcks : pipelineRate(work, objects, 1, true);
            // The server's own speed drifts (JIT, memory); the faster of two bare passes keeps the ratio conservative.
            final double bare = Math.max(bareBefore, bareListingRate(endpoint, objects, "after"));
            System.out.printf(Locale.ROOT, "bare ListObjectsV2 pagination: %,.0f objects/s (faster of two passes)%n", bare);
            System.out.printf(Locale.ROOT, "metadata_only through the runtime, %d source workers, acknowledgments on:  %s%n",
                    workers, withAcks.describe(bare));
            System.out.printf(Locale.ROOT, "  S3 requests of that scan: %,d ListObjectsV2, %,d HeadObject, %,d GetObject (%.4f requests per object)%n",
                    counts.listObjects(), counts.headObject(), counts.getObject(),
                    (counts.listObjects() + counts.headObject() + counts.getObject()) / (double) objects);
            System.out.printf(Locale.ROOT, "metadata_only through the runtime, %d source workers, acknowledgments off: %s%n",
                    workers, withoutAcks.describe(bare));
            System.out.printf(Locale.ROOT, "metadata_only through the runtime, 1 source worker, acknowledgments on:   %s%n",
                    oneWorkerWithAcks.describe(bare));
            if (heapLine != null) {
                System.out.println(heapLine);
            }
            System.out.printf(Locale.ROOT, "scan: %.2f of bare listing (%,d objects, %d source workers, acknowledgments on; "
                            + "heap after the scan %,d MB of %,d MB; target >= 0.9)%n",
                    withAcks.eventsPerSecond() / bare, objects, workers, withAcks.heapAfterMb(), Runtime.getRuntime().maxMemory() >> 20);
        } finally {
            if (scanServer != null) {
                scanServer.close();
            }
            if (bigServer != null) {
                bigServer.close();
            }
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** Writes the big object; returns {bytes, lines}. */
    private static long[] writeBigNdjson(final Path file, final long targetBytes) throws IOException {
        Files.createDirectories(file.getParent());
        final String filler = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor";
        long written = 0;
        long id = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            while (written < targetBytes) {
                final byte[] line = ("{\"id\":" + id++ + ",\"chapter\":\"c" + (id % 97) + "\",\"text\":\"" + filler + "\"}\n")
                        .getBytes(StandardCharsets.UTF_8);
                out.write(line);
                written += line.length;
            }
        }
        return new long[] {written, id};
    }

    /**
     * One timed pagination of the whole bucket after a short warm-up (a few pages). s3proxy's listing cost grows with
     * the bucket on every page, so a full pass is long and a second one would add little.
     */
    private static double bareListingRate(final String endpoint, final int expected, final String pass) {
        try (S3Client client = S3Client.builder()
                .endpointOverride(URI.create(endpoint)).forcePathStyle(true).region(Region.US_EAST_1)
                .httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build()) {
            int warmUpPages = 0;
            for (final ListObjectsV2Response ignored : client.listObjectsV2Paginator(b -> b.bucket(SCAN_BUCKET))) {
                if (++warmUpPages == 3) {
                    break;
                }
            }
            final long start = System.nanoTime();
            long listed = 0;
            for (final ListObjectsV2Response page : client.listObjectsV2Paginator(b -> b.bucket(SCAN_BUCKET))) {
                listed += page.contents().size();
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            if (listed != expected) {
                throw new IllegalStateException("listed " + listed + " objects, expected " + expected);
            }
            System.out.printf(Locale.ROOT, "  bare listing (%s): %,d objects in %.2f s%n", pass, listed, seconds);
            return listed / seconds;
        }
    }

    private static DataPrepperRuntime runtime(final Path work, final String name, final String sourceBlock) throws IOException {
        final Path pipelines = work.resolve(name + ".yaml");
        Files.writeString(pipelines, name + ":\n"
                + "  delay: 50\n"
                + "  source:\n"
                + "    s3:\n" + sourceBlock.indent(6)
                + "  sink:\n"
                + "    - benchmark_counter: {}\n");
        return DataPrepperRuntime.builder().pipelines(pipelines).envFile(null).serverPort(0).build();
    }

    /** One scan through the runtime: its rate, the most heap seen in use, and the heap still used after it (GC'd). */
    record ScanRun(long events, double seconds, long maxHeapMb, long heapAfterMb) {
        double eventsPerSecond() {
            return events / seconds;
        }

        String describe(final double bare) {
            return String.format(Locale.ROOT, "%,.0f events/s (%.2f of bare); heap max used %,d MB, %,d MB after the scan",
                    eventsPerSecond(), eventsPerSecond() / bare, maxHeapMb, heapAfterMb);
        }
    }

    private static ScanRun pipelineRate(final Path work, final int objects, final int workers, final boolean acknowledgments)
            throws Exception {
        BenchmarkCounterSink.reset();
        System.gc();
        final HeapSampler heap = HeapSampler.start();
        try (DataPrepperRuntime runtime = runtime(work, "scan-bench-" + (acknowledgments ? "acks" : "noacks"), String.join("\n",
                "acknowledgments: " + acknowledgments,
                "workers: " + workers,
                "aws: {region: us-east-1}",
                "disable_bucket_ownership_validation: true",
                "scan:",
                "  buckets:",
                "    - bucket: {name: " + SCAN_BUCKET + ", data_selection: metadata_only}"))) {
            runtime.start();
            final long start = System.nanoTime();
            waitForEvents(objects, Duration.ofMinutes(30));
            final double seconds = (BenchmarkCounterSink.lastEventNanos() - start) / 1e9;
            final boolean finished = runtime.awaitFinished(Duration.ofMinutes(2));
            heap.stop();
            // What the runtime still holds with every object's partition settled, before it is shut down.
            System.gc();
            final long after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
            runtime.shutdown();
            System.out.printf(Locale.ROOT, "  runtime metadata_only (%d workers, acknowledgments %s): %,d events in %.2f s, finished=%s%n",
                    workers, acknowledgments ? "on" : "off", BenchmarkCounterSink.events(), seconds, finished);
            if (BenchmarkCounterSink.events() != objects) {
                throw new IllegalStateException("expected " + objects + " events, got " + BenchmarkCounterSink.events());
            }
            return new ScanRun(objects, seconds, heap.maxUsedMb(), after);
        } finally {
            heap.stop();
        }
    }

    private static void waitForEvents(final long expected, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (BenchmarkCounterSink.events() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + BenchmarkCounterSink.events() + " of " + expected + " events after " + timeout);
            }
            Thread.sleep(2);
        }
    }

    /** Reads the big object through the runtime while sampling the heap; returns the heap line. */
    private static String bigObjectHeap(final Path work, final long bigBytes, final long bigLines) throws Exception {
        BenchmarkCounterSink.reset();
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        final long baseline = memory.getHeapMemoryUsage().getUsed();
        final HeapSampler sampler = HeapSampler.start();
        final long start = System.nanoTime();
        final boolean finished;
        try (DataPrepperRuntime runtime = runtime(work, "big-object-bench", String.join("\n",
                "acknowledgments: true",
                "codec: {ndjson: {}}",
                "aws: {region: us-east-1}",
                "disable_bucket_ownership_validation: true",
                "scan:",
                "  buckets:",
                "    - bucket: {name: " + BIG_BUCKET + ", data_selection: data_only}"))) {
            runtime.start();
            finished = runtime.awaitFinished(Duration.ofMinutes(30));
            runtime.shutdown();
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        sampler.stop();
        final long events = BenchmarkCounterSink.events();
        System.out.printf(Locale.ROOT, "big object: %,d MB ndjson, %,d events in %.1f s (%,.0f events/s, %.1f MB/s), finished=%s%n",
                bigBytes >> 20, events, seconds, events / seconds, (bigBytes / 1048576.0) / seconds, finished);
        if (events != bigLines || !finished) {
            throw new IllegalStateException("the big object was not read completely: " + events + " of " + bigLines
                    + " events, finished=" + finished);
        }
        return String.format(Locale.ROOT, "heap while reading a %,d MB ndjson object: max used %,d MB (baseline %,d MB) of max heap %,d MB%s",
                bigBytes >> 20, sampler.maxUsedMb(), baseline >> 20, Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().maxMemory() > 300L * 1024 * 1024 ? "  (run with -Xmx256m for the target)" : "");
    }
}
