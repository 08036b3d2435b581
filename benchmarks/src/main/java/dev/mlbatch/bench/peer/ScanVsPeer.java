package dev.mlbatch.bench.peer;

import dev.mlbatch.bench.scan.LocalS3Server;
import dev.mlbatch.compat.CompatMain;
import dev.mlbatch.compat.VirtualHostedNames;
import dev.mlbatch.stack.s3.S3Server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code bench scan --peer DATA_PREPPER_HOME [--rounds N] [objects]}: a {@code metadata_only} scan of 10,000
 * objects (default) in an in-memory s3proxy, s3 source → file sink, the same pipeline file in our runtime and in the
 * real Data Prepper (upstream's s3 source). Upstream's S3 client has no path-style option, so the server also answers
 * virtual-hosted-style requests for {@code s3.localhost}, resolved for both JVMs by a hosts file
 * ({@code -Djdk.net.hosts.file}). Prints the S3 requests per object each side made. Last line
 * {@code scan-vs-peer: <ours ÷ theirs>}.
 */
public final class ScanVsPeer {
    private static final double TARGET = 15;
    private static final String BUCKET = "scan-peer";

    private ScanVsPeer() {
    }

    public static void main(final String[] args) throws Exception {
        final SideBySide sides = SideBySide.parse("scan", args, System.out);
        final int objects = Integer.parseInt(sides.arg(0, "10000"));
        final Path work = Files.createTempDirectory("mlbatch-bench-scan-peer");
        try (LocalS3Server server = LocalS3Server.start("-Xmx1g", "transient", BUCKET, String.valueOf(objects), S3Server.VIRTUAL_HOST)) {
            final Map<String, String> env = new LinkedHashMap<>();
            env.put("AWS_ACCESS_KEY_ID", LocalS3Server.ACCESS_KEY);
            env.put("AWS_SECRET_ACCESS_KEY", LocalS3Server.SECRET_KEY);
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_ENDPOINT_URL_S3", "http://" + S3Server.VIRTUAL_HOST + ":" + server.port());
            env.put("JAVA_TOOL_OPTIONS", VirtualHostedNames.javaToolOptions(work.resolve("hosts"), BUCKET));
            env.put("MLBATCH_LOG_LEVEL", "WARN");
            final Path output = work.resolve("objects.jsonl");
            final Path pipeline = work.resolve("pipeline.yaml");
            Files.writeString(pipeline, pipelineYaml(output));
            System.out.printf(Locale.ROOT, "scan --peer: metadata_only scan of %,d objects (s3 source -> file), acknowledgments off; peer %s%n",
                    objects, sides.peerHome());
            final Map<String, LocalS3Server.RequestCounts> firstCounts = new LinkedHashMap<>();
            final double ratio = sides.compare(pipeline, work, env, new SideBySide.Workload() {
                @Override
                public LongSupplier reset() throws IOException {
                    Files.deleteIfExists(output);
                    server.resetCounts();
                    return new OutputLines(output);
                }

                @Override
                public void after(final String who) throws IOException, InterruptedException {
                    firstCounts.putIfAbsent(who, server.counts());
                }
            }, objects, Duration.ofMinutes(15));
            firstCounts.forEach((who, counts) -> System.out.printf(Locale.ROOT,
                    "S3 requests per object, %s: %.4f ListObjectsV2, %.4f HeadObject, %.4f GetObject (%d, %d, %d for %,d objects)%n",
                    who, counts.listObjects() / (double) objects, counts.headObject() / (double) objects,
                    counts.getObject() / (double) objects, counts.listObjects(), counts.headObject(), counts.getObject(), objects));
            System.out.printf(Locale.ROOT, "scan-vs-peer: %.2f (ours / Data Prepper objects/s; target >= %.0f)%n", ratio, TARGET);
            CompatMain.deleteTree(work);
        } catch (final Exception e) {
            System.err.println("bench failed; its pipelines, logs and data are kept in " + work);
            throw e;
        }
    }

    private static String pipelineYaml(final Path output) {
        return """
                scan-peer:
                  source:
                    s3:
                      acknowledgments: false
                      scan:
                        buckets:
                          - bucket:
                              name: "%s"
                              data_selection: metadata_only
                              filter:
                                include_prefix:
                                  - batch-
                      codec:
                        ndjson: {}
                      aws:
                        region: us-east-1
                      disable_bucket_ownership_validation: true
                  sink:
                    - file:
                        path: "%s"
                """.formatted(BUCKET, output);
    }
}
