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
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code ./mlbatch bench scan}: in one run against local s3proxy servers (own JVMs: in memory for the many small
 * objects, filesystem backend for the big one),
 * <ol>
 *   <li>a {@code bigMb} MB (default 1024) ndjson object read in {@code data_only} mode, sampling the heap,</li>
 *   <li>a bare ListObjectsV2 pagination of a bucket of {@code objects} objects (default 100,000),</li>
 *   <li>the same bucket scanned in {@code metadata_only} mode through the local runtime (s3 source →
 *       {@code benchmark_counter} sink), with acknowledgements off and on (the published example turns them on).</li>
 * </ol>
 * Run it with {@code -Xmx256m}. Arguments: {@code [objects] [bigMb] [sourceWorkers]}. Last line:
 * {@code scan: <ratio> of bare listing (target >= 0.9)}, ratio = acknowledged metadata_only events/s over listed objects/s.
 */
public final class ScanBenchmark {
    private static final String ACCESS_KEY = LocalS3ServerMain.ACCESS_KEY;
    private static final String SECRET_KEY = LocalS3ServerMain.SECRET_KEY;
    private static final String SCAN_BUCKET = "scan-bench";
    private static final String BIG_BUCKET = "big-bench";

    private ScanBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        final int objects = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        final int bigMb = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        final int workers = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        final Path work = Files.createTempDirectory("scan-bench");
        LocalS3Server scanServer = null;
        LocalS3Server bigServer = null;
        try {
            System.out.printf(Locale.ROOT, "preparing %,d objects and a %,d MB ndjson object%n", objects, bigMb);
            final Path data = work.resolve("s3");
            final long[] big = writeBigNdjson(data.resolve(BIG_BUCKET).resolve("big.ndjson"), bigMb * 1024L * 1024L);
            scanServer = LocalS3Server.start("-Xmx2g", "transient", SCAN_BUCKET, String.valueOf(objects));
            bigServer = LocalS3Server.start("-Xmx512m", "filesystem", data.toString());
            final String endpoint = "http://127.0.0.1:" + scanServer.port();
            final String bigEndpoint = "http://127.0.0.1:" + bigServer.port();
            System.setProperty("aws.accessKeyId", ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", SECRET_KEY);
            System.setProperty("aws.region", "us-east-1");

            // The big object runs first: it is the only phase that loads a codec, and the runtime's plugin classes
            // are best loaded by the first runtime of the JVM (see s3-source-metadata-mode/README.md, "Benchmark").
            System.setProperty("aws.endpointUrlS3", bigEndpoint);
            final String heapLine = bigObjectHeap(work, big[0], big[1]);
            System.setProperty("aws.endpointUrlS3", endpoint);
            final double bareBefore = bareListingRate(endpoint, objects);
            final double withoutAcks = pipelineRate(work, objects, workers, false);
            final double withAcks = pipelineRate(work, objects, workers, true);
            final double oneWorkerWithAcks = workers == 1 ? withAcks : pipelineRate(work, objects, 1, true);
            // s3proxy's own speed drifts (JIT, memory); the faster of two bare passes keeps the ratio conservative.
            final double bare = Math.max(bareBefore, bareListingRate(endpoint, objects));
            System.out.printf(Locale.ROOT, "bare ListObjectsV2 pagination: %,.0f objects/s (faster of two passes)%n", bare);
            System.out.printf(Locale.ROOT, "metadata_only through the runtime, %d source workers, acknowledgments off: %,.0f events/s (%.2f of bare)%n",
                    workers, withoutAcks, withoutAcks / bare);
            System.out.printf(Locale.ROOT, "metadata_only through the runtime, %d source workers, acknowledgments on:  %,.0f events/s (%.2f of bare)%n",
                    workers, withAcks, withAcks / bare);
            System.out.printf(Locale.ROOT, "metadata_only through the runtime, 1 source worker, acknowledgments on:   %,.0f events/s (%.2f of bare)%n",
                    oneWorkerWithAcks, oneWorkerWithAcks / bare);
            System.out.println(heapLine);
            System.out.printf(Locale.ROOT, "scan: %.2f of bare listing (target >= 0.9)%n", withAcks / bare);
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
    private static double bareListingRate(final String endpoint, final int expected) {
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
            System.out.printf(Locale.ROOT, "  bare listing: %,d objects in %.2f s%n", listed, seconds);
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

    private static double pipelineRate(final Path work, final int objects, final int workers, final boolean acknowledgments)
            throws Exception {
        BenchmarkCounterSink.reset();
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
            waitForEvents(objects, Duration.ofMinutes(10));
            final double seconds = (BenchmarkCounterSink.lastEventNanos() - start) / 1e9;
            final boolean finished = runtime.awaitFinished(Duration.ofMinutes(2));
            runtime.shutdown();
            System.out.printf(Locale.ROOT, "  runtime metadata_only (acknowledgments %s): %,d events in %.2f s, finished=%s%n",
                    acknowledgments ? "on" : "off", BenchmarkCounterSink.events(), seconds, finished);
            if (BenchmarkCounterSink.events() != objects) {
                throw new IllegalStateException("expected " + objects + " events, got " + BenchmarkCounterSink.events());
            }
            return objects / seconds;
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
        final AtomicLong maxUsed = new AtomicLong();
        final Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                maxUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (final InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
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
        sampler.interrupt();
        final long events = BenchmarkCounterSink.events();
        System.out.printf(Locale.ROOT, "big object: %,d MB ndjson, %,d events in %.1f s (%,.0f events/s, %.1f MB/s), finished=%s%n",
                bigBytes >> 20, events, seconds, events / seconds, (bigBytes / 1048576.0) / seconds, finished);
        if (events != bigLines || !finished) {
            throw new IllegalStateException("the big object was not read completely: " + events + " of " + bigLines
                    + " events, finished=" + finished);
        }
        return String.format(Locale.ROOT, "heap while reading a %,d MB ndjson object: max used %,d MB (baseline %,d MB) of max heap %,d MB%s",
                bigBytes >> 20, maxUsed.get() >> 20, baseline >> 20, Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().maxMemory() > 300L * 1024 * 1024 ? "  (run with -Xmx256m for the target)" : "");
    }
}
