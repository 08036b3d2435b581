package dev.mlbatch.plugins.s3enrich.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.runtime.DataPrepperRuntime;
import dev.mlbatch.stack.s3.S3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Bedrock stage-3-like pipeline on the local runtime, with the real plugins: the s3 source (data_only) scans the
 * job outputs on the local S3 server, {@code s3_enrich} joins each output record to its raw document, copy_values and
 * delete_entries map the vector, and a route sends joined records to one file sink and the rest to another.
 */
class S3EnrichPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCESS_KEY = "AKIAS3ENRICHPIPE0001";
    private static final String SECRET_KEY = "s3-enrich-pipeline-secret";
    private static final String BUCKET = "mlbatch";
    private static final Map<String, String> SDK_PROPERTIES = Map.of(
            "aws.accessKeyId", ACCESS_KEY, "aws.secretAccessKey", SECRET_KEY, "aws.region", "us-east-1");
    private static final int RECORDS = 600;
    private static final String HASH = "0a1b2c3d4e5f";

    @TempDir
    Path dir;
    private S3Server server;
    private S3Client s3;

    @BeforeEach
    void start() throws Exception {
        server = S3Server.start(dir.resolve("s3"), 0, ACCESS_KEY, SECRET_KEY);
        SDK_PROPERTIES.forEach(System::setProperty);
        System.setProperty("aws.endpointUrlS3", server.endpoint());
        s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).httpClient(ApacheHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterEach
    void stop() throws Exception {
        SDK_PROPERTIES.keySet().forEach(System::clearProperty);
        System.clearProperty("aws.endpointUrlS3");
        s3.close();
        server.close();
    }

    private void put(final String key, final String content) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(content));
    }

    private static String id(final int i) {
        return String.format("wn%05d", i);
    }

    private static List<Double> vector(final int i) {
        return List.of(i / 1000.0, -i / 1000.0, 0.5);
    }

    /** A Bedrock output line: recordId, the echoed modelInput, modelOutput with the embedding. */
    private static String outputLine(final String recordId, final List<Double> embedding) throws IOException {
        final ObjectNode line = JSON.createObjectNode().put("recordId", recordId);
        line.putObject("modelInput").put("inputText", "echo");
        final ObjectNode output = line.putObject("modelOutput");
        output.set("embedding", JSON.valueToTree(embedding));
        output.put("inputTextTokenCount", 3);
        return JSON.writeValueAsString(line);
    }

    @Test
    void eachOutputRecordIsIndexedWithItsTextAndVectorAndTheOnesWithoutASourceAreRoutedApart() throws Exception {
        final StringBuilder raw = new StringBuilder();
        for (int i = 0; i < RECORDS; i++) {
            raw.append(JSON.writeValueAsString(Map.of("_id", id(i), "text", "gloss number " + i, "lemma", "lemma" + i,
                    "pos", i % 2 == 0 ? "n" : "v"))).append('\n');
        }
        put("bedrock/raw/corpus.jsonl", raw.toString());
        // Two input files of stage 1 (500 + 100 records), one Bedrock job each, outputs named <input>.out.
        final StringBuilder first = new StringBuilder();
        final StringBuilder second = new StringBuilder();
        for (int i = 0; i < RECORDS; i++) {
            (i < 500 ? first : second).append(outputLine(id(i), vector(i))).append('\n');
        }
        second.append(outputLine("wn-not-in-corpus", vector(9999))).append('\n');
        put("bedrock/output/job-a/corpus-" + HASH + "-0000000000.jsonl.out", first.toString());
        put("bedrock/output/job-b/corpus-" + HASH + "-0000000500.jsonl.out", second.toString());
        put("bedrock/output/job-a/manifest.json.out", "{\"totalRecordCount\":500}");
        // An output whose raw object was deleted since.
        put("bedrock/output/job-c/deleted-" + HASH + "-0000000000.jsonl.out",
                outputLine("gone-1", vector(1)) + "\n" + outputLine("gone-2", vector(2)) + "\n");

        final Path embedded = dir.resolve("embedded.jsonl");
        final Path failed = dir.resolve("failed.jsonl");
        final Path pipelines = dir.resolve("pipelines.yaml");
        Files.writeString(pipelines, """
                version: "2"
                bedrock-ingest:
                  source:
                    s3:
                      acknowledgments: true
                      scan:
                        buckets:
                          - bucket:
                              name: mlbatch
                              data_selection: data_only
                              filter:
                                include_prefix: [ bedrock/output/ ]
                                exclude_suffix: [ manifest.json.out ]
                      codec:
                        ndjson: {}
                      aws:
                        region: us-east-1
                      disable_bucket_ownership_validation: true
                  processor:
                    - s3_enrich:
                        bucket:
                          name: mlbatch
                          filter:
                            include_prefix: bedrock/raw/
                        aws:
                          region: us-east-1
                        disable_bucket_ownership_validation: true
                        codec:
                          ndjson: {}
                        s3_object_name_pattern: '^(.*)-[0-9a-f]{12}-[0-9]{10}\\.jsonl\\.out$'
                        correlation_keys: [ recordId ]
                        source_correlation_key: _id
                        keys_to_merge: [ text, lemma, pos ]
                        tags_on_failure: [ not_enriched ]
                    - copy_values:
                        entries:
                          - from_key: /modelOutput/embedding
                            to_key: /text_embedding
                    - delete_entries:
                        with_keys: [ modelInput, modelOutput ]
                        delete_when: '/text_embedding != null'
                  routes:
                    - embedded: '/recordId != null and /text_embedding typeof array and not hasTags("not_enriched")'
                  sink:
                    - file:
                        routes: [ embedded ]
                        path: %s
                    - file:
                        routes: [ _default ]
                        path: %s
                """.formatted(embedded, failed));

        try (DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipelines).envFile(null).serverPort(0).build()) {
            runtime.start();
            assertTrue(runtime.awaitFinished(Duration.ofMinutes(2)), "the single scan should finish");
            runtime.shutdown();
        }

        final List<JsonNode> documents = lines(embedded);
        assertEquals(RECORDS, documents.size(), "every output record with a source is joined");
        final Map<String, JsonNode> byId = new HashMap<>();
        for (final JsonNode document : documents) {
            assertFalse(document.has("modelOutput") || document.has("modelInput"), document.toString());
            byId.put(document.get("recordId").asText(), document);
        }
        assertEquals(RECORDS, byId.size(), "no record twice");
        for (int i = 0; i < RECORDS; i++) {
            final JsonNode document = byId.get(id(i));
            assertEquals("gloss number " + i, document.get("text").asText(), document.toString());
            assertEquals("lemma" + i, document.get("lemma").asText());
            assertEquals(i % 2 == 0 ? "n" : "v", document.get("pos").asText());
            assertEquals(vector(i), JSON.convertValue(document.get("text_embedding"), List.class),
                    "the vector of " + id(i) + " belongs to its own text");
        }

        final Set<String> notJoined = new TreeSet<>();
        for (final JsonNode record : lines(failed)) {
            notJoined.add(record.get("recordId").asText());
            assertFalse(record.has("text"), record.toString());
            assertTrue(record.has("text_embedding"), "a record without a source keeps its vector: " + record);
        }
        assertEquals(Set.of("gone-1", "gone-2", "wn-not-in-corpus"), notJoined);
    }

    private static List<JsonNode> lines(final Path file) throws IOException {
        final List<JsonNode> nodes = new ArrayList<>();
        if (Files.exists(file)) {
            for (final String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    nodes.add(JSON.readTree(line));
                }
            }
        }
        return nodes;
    }
}
