package dev.mlbatch.plugins.s3source.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.common.testing.LocalS3;
import dev.mlbatch.runtime.DataPrepperRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole pipelines on the local runtime: the s3 source (scan) against a local S3 server, the real ndjson codec and
 * the file sink, with the in-memory and the durable coordination store.
 */
class S3ScanPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> SDK_PROPERTIES = Map.of(
            "aws.accessKeyId", LocalS3.ACCESS_KEY,
            "aws.secretAccessKey", LocalS3.SECRET_KEY,
            "aws.region", "us-east-1");

    @TempDir
    Path dir;
    private LocalS3 s3;

    @BeforeEach
    void start() throws Exception {
        s3 = LocalS3.start();
        SDK_PROPERTIES.forEach(System::setProperty);
        // The SDK's standard endpoint setting, as a user would export AWS_ENDPOINT_URL_S3.
        System.setProperty("aws.endpointUrlS3", s3.endpoint());
    }

    @AfterEach
    void stop() throws Exception {
        SDK_PROPERTIES.keySet().forEach(System::clearProperty);
        System.clearProperty("aws.endpointUrlS3");
        s3.close();
    }

    private DataPrepperRuntime runtime(final String pipelines, final String config) throws IOException {
        final Path pipelineFile = dir.resolve("pipelines-" + System.nanoTime() + ".yaml");
        Files.writeString(pipelineFile, pipelines);
        final DataPrepperRuntime.Builder builder = DataPrepperRuntime.builder().pipelines(pipelineFile).envFile(null).serverPort(0);
        if (config != null) {
            final Path configFile = dir.resolve("data-prepper-config.yaml");
            Files.writeString(configFile, config);
            builder.config(configFile);
        }
        return builder.build();
    }

    private static List<JsonNode> lines(final Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        final List<JsonNode> nodes = new ArrayList<>();
        for (final String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    @Test
    void trigger_and_ingest_stages_read_one_bucket_through_two_entries() throws Exception {
        s3.createBucket("batch");
        s3.put("batch", "input/batch-0.jsonl", "{\"content\":[\"a\",\"b\"]}\n");
        s3.put("batch", "input/batch-0.jsonl.manifest", "{}");
        s3.put("batch", "output/batch-0.jsonl.out", "{\"SageMakerOutput\":[[0.1],[0.2]]}\nnot json\n{\"SageMakerOutput\":[[0.3],[0.4]]}\n");
        final Path out = dir.resolve("events.jsonl");
        try (DataPrepperRuntime runtime = runtime("""
                version: "2"
                scan-pipeline:
                  source:
                    s3:
                      acknowledgments: true
                      scan:
                        buckets:
                          - bucket:
                              name: batch
                              data_selection: metadata_only
                              filter:
                                include_prefix: [input/]
                                exclude_suffix: [.manifest]
                          - bucket:
                              name: batch
                              data_selection: data_only
                              filter:
                                include_prefix: [output/]
                      aws:
                        region: us-east-1
                      default_bucket_owner: 388303208821
                      codec:
                        ndjson:
                          include_empty_objects: false
                      compression: none
                      workers: '1'
                  sink:
                    - file:
                        path: %s
                """.formatted(out), null)) {
            runtime.start();
            assertTrue(runtime.awaitFinished(Duration.ofMinutes(2)), "the single scan should finish");
            runtime.shutdown();
        }
        final List<JsonNode> events = lines(out);
        assertEquals(3, events.size(), events.toString());
        final JsonNode metadata = events.stream().filter(e -> e.has("key")).findFirst().orElseThrow();
        assertEquals("batch", metadata.get("bucket").asText());
        assertEquals("input/batch-0.jsonl", metadata.get("key").asText());
        assertEquals(22, metadata.get("length").asLong());
        assertTrue(metadata.get("time").isNumber(), "time is serialized as epoch seconds, as upstream: " + metadata);
        assertEquals(2, events.stream().filter(e -> e.has("SageMakerOutput")).count());
    }

    @Test
    void processing_conditions_run_on_the_runtimes_expression_evaluator_and_hold_back_jobs_without_a_manifest() throws Exception {
        s3.createBucket("bedrock");
        s3.put("bedrock", "output/job-done/a.jsonl.out", "{\"recordId\":\"1\"}\n{\"recordId\":\"2\"}\n");
        s3.put("bedrock", "output/job-done/manifest.json.out", "{\"totalRecordCount\":2,\"processedRecordCount\":2}");
        s3.put("bedrock", "output/job-running/a.jsonl.out", "{\"recordId\":\"3\"}\n");
        final Path out = dir.resolve("conditions.jsonl");
        try (DataPrepperRuntime runtime = runtime("""
                version: "2"
                ingest:
                  source:
                    s3:
                      scan:
                        scheduling:
                          interval: 1s
                        buckets:
                          - bucket:
                              name: bedrock
                              data_selection: data_only
                              filter:
                                include_prefix: [output/]
                                exclude_suffix: [manifest.json.out]
                              processing_conditions:
                                - object_name: manifest.json.out
                                  when: '/processedRecordCount != null and /processedRecordCount == /totalRecordCount'
                                  retry_delay: PT1M
                      aws:
                        region: us-east-1
                      disable_bucket_ownership_validation: true
                      codec:
                        ndjson: {}
                  sink:
                    - file:
                        path: %s
                """.formatted(out), null)) {
            runtime.start();
            final long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (lines(out).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            // A few more scans: the running job's output stays unread, and the source is not finished while it waits.
            assertFalse(runtime.awaitFinished(Duration.ofSeconds(4)), "an object waiting for its manifest keeps the pipeline running");
            runtime.shutdown();
        }
        assertEquals(List.of("1", "2"), lines(out).stream().map(e -> e.get("recordId").asText()).sorted().toList());
    }

    @Test
    void stopping_mid_scan_and_restarting_with_the_durable_store_delivers_every_object_exactly_once() throws Exception {
        s3.createBucket("restart");
        final int objects = 400;
        for (int i = 0; i < objects; i++) {
            s3.put("restart", String.format("part-%04d.jsonl", i), "{\"object\":" + i + ",\"line\":1}\n{\"object\":" + i + ",\"line\":2}\n");
        }
        final String store = "source_coordination:\n  store:\n    file:\n      path: " + dir.resolve("coordination.store") + "\n";
        final Path firstOut = dir.resolve("first.jsonl");
        final Path secondOut = dir.resolve("second.jsonl");
        final String pipeline = """
                restart-pipeline:
                  source:
                    s3:
                      acknowledgments: true
                      codec: {ndjson: {}}
                      aws: {region: us-east-1}
                      disable_bucket_ownership_validation: true
                      scan:
                        buckets:
                          - bucket: {name: restart, data_selection: data_only}
                  sink:
                    - file: {path: %s}
                """;

        try (DataPrepperRuntime first = runtime(pipeline.formatted(firstOut), store)) {
            first.start();
            final long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (lines(firstOut).size() < 60 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            first.shutdown();
        }
        final int firstCount = lines(firstOut).size();
        assertTrue(firstCount > 0 && firstCount < 2 * objects, "the first run must stop mid-scan, it wrote " + firstCount);

        try (DataPrepperRuntime second = runtime(pipeline.formatted(secondOut), store)) {
            second.start();
            assertTrue(second.awaitFinished(Duration.ofMinutes(2)), "the restarted scan should finish");
            second.shutdown();
        }
        final List<String> delivered = new ArrayList<>();
        for (final JsonNode event : lines(firstOut)) {
            delivered.add(event.get("object").asInt() + ":" + event.get("line").asInt());
        }
        for (final JsonNode event : lines(secondOut)) {
            delivered.add(event.get("object").asInt() + ":" + event.get("line").asInt());
        }
        final List<String> expected = IntStream.range(0, objects).boxed()
                .flatMap(i -> java.util.stream.Stream.of(i + ":1", i + ":2")).sorted().collect(Collectors.toList());
        assertEquals(expected, delivered.stream().sorted().collect(Collectors.toList()));
    }

    @Test
    void a_one_shot_scan_with_the_durable_store_reads_objects_added_since_the_last_run_and_skips_completed_ones() throws Exception {
        s3.createBucket("again");
        for (int i = 0; i < 3; i++) {
            s3.put("again", "raw/old-" + i + ".jsonl", "{\"object\":\"old-" + i + "\"}\n");
        }
        final String store = "source_coordination:\n  store:\n    file:\n      path: " + dir.resolve("again.store") + "\n";
        final String pipeline = """
                again-pipeline:
                  source:
                    s3:
                      acknowledgments: true
                      codec: {ndjson: {}}
                      aws: {region: us-east-1}
                      disable_bucket_ownership_validation: true
                      scan:
                        buckets:
                          - bucket: {name: again, data_selection: data_only}
                  sink:
                    - file: {path: %s}
                """;
        final List<List<String>> runs = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            if (run == 1) {
                s3.put("again", "raw/new-0.jsonl", "{\"object\":\"new-0\"}\n");
                s3.put("again", "raw/new-1.jsonl", "{\"object\":\"new-1\"}\n");
            }
            final Path out = dir.resolve("again-" + run + ".jsonl");
            try (DataPrepperRuntime runtime = runtime(pipeline.formatted(out), store)) {
                runtime.start();
                assertTrue(runtime.awaitFinished(Duration.ofMinutes(2)), "run " + run + " should finish");
                runtime.shutdown();
            }
            runs.add(lines(out).stream().map(line -> line.get("object").asText()).sorted().collect(Collectors.toList()));
        }
        assertEquals(List.of(List.of("old-0", "old-1", "old-2"), List.of("new-0", "new-1"), List.of()), runs);
    }

    @Test
    void records_with_invalid_utf8_are_kept_with_replacement_counted_and_reported_once_per_object() throws Exception {
        s3.createBucket("bytes");
        final byte[] latin1 = "{\"_id\":\"2\",\"text\":\"caf\u00e9\"}\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        final java.io.ByteArrayOutputStream object = new java.io.ByteArrayOutputStream();
        object.writeBytes("{\"_id\":\"1\",\"text\":\"good\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        object.writeBytes(latin1);
        object.writeBytes("{\"_id\":\"3\",\"text\":\"also good\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        object.writeBytes(new byte[]{'{', '"', '_', 'i', 'd', '"', ':', '"', '4', '"', ',', '"', 't', '"', ':', '"', (byte) 0xFF, '"', '}', '\n'});
        s3.put("bytes", "raw/mixed.jsonl", object.toByteArray());
        s3.put("bytes", "raw/clean.jsonl", "{\"_id\":\"5\",\"text\":\"clean\"}\n");

        final ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                dev.mlbatch.plugins.s3source.ObjectPartitionProcessor.class);
        final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log = new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        logger.addAppender(log);
        final Path out = dir.resolve("bytes.jsonl");
        final String metrics;
        try (DataPrepperRuntime runtime = runtime("""
                bytes-pipeline:
                  source:
                    s3:
                      codec: {ndjson: {}}
                      aws: {region: us-east-1}
                      disable_bucket_ownership_validation: true
                      scan:
                        buckets:
                          - bucket: {name: bytes, data_selection: data_only}
                  sink:
                    - file: {path: %s}
                """.formatted(out), null)) {
            runtime.start();
            assertTrue(runtime.awaitFinished(Duration.ofMinutes(2)), "the scan should finish");
            metrics = new String(java.net.URI.create("http://127.0.0.1:" + runtime.getServerPort() + "/metrics/prometheus")
                    .toURL().openStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            runtime.shutdown();
        } finally {
            logger.detachAppender(log);
        }
        final Map<String, String> texts = lines(out).stream().collect(Collectors.toMap(n -> n.get("_id").asText(),
                n -> n.has("text") ? n.get("text").asText() : n.get("t").asText()));
        assertEquals(Map.of("1", "good", "2", "caf\uFFFD", "3", "also good", "4", "\uFFFD", "5", "clean"), texts);
        final List<String> warnings = log.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("not valid UTF-8")).collect(Collectors.toList());
        assertEquals(List.of("s3://bytes/raw/mixed.jsonl: 2 records held bytes that are not valid UTF-8 (lines 2, 4); they were "
                + "replaced by U+FFFD and the records passed on, tagged invalid_utf8"), warnings);
        assertEquals(2.0, metric(metrics, "s3ObjectInvalidUtf8Records"), metrics);
        assertEquals(1.0, metric(metrics, "s3ObjectsWithInvalidUtf8"), metrics);
    }

    /** The value of the one Prometheus sample whose name contains {@code name}. */
    private static double metric(final String prometheus, final String name) {
        final List<String> samples = prometheus.lines().filter(l -> !l.startsWith("#") && l.contains(name)).collect(Collectors.toList());
        assertEquals(1, samples.size(), name + " in " + samples);
        return Double.parseDouble(samples.get(0).substring(samples.get(0).lastIndexOf(' ') + 1));
    }
}
