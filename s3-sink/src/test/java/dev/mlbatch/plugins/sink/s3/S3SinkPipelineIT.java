package dev.mlbatch.plugins.sink.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.runtime.DataPrepperRuntime;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The s3 sink in a whole pipeline run by the local runtime, against the local stack's S3: the runtime hands the
 * stack's AWS_ENDPOINT_URL_S3 and keys to the SDK, and the sink writes whole gzip ndjson objects under the prefix;
 * and the Bedrock input files of stage 1 (sink-level include_keys, codec.ndjson.extension jsonl).
 */
@ExtendWith(LocalStackExtension.class)
class S3SinkPipelineIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private final LocalStack stack;

    S3SinkPipelineIT(final LocalStack stack) {
        this.stack = stack;
    }

    @Test
    void filePipelineWritesBatchInputObjects() throws Exception {
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            lines.add("{\"recordId\":\"r" + i + "\",\"text\":\"document " + i + "\"}");
        }
        final Path input = Files.write(dir.resolve("input.ndjson"), lines);
        final String prefix = "s3-sink-it/" + System.nanoTime() + "/%{yyyy}/";
        final Path pipeline = Files.writeString(dir.resolve("pipeline.yaml"), String.join("\n",
                "prepare-pipeline:",
                "  source:",
                "    file:",
                "      path: " + input,
                "      format: json",
                "      record_type: event",
                "  sink:",
                "    - s3:",
                "        bucket: \"${{env:MLBATCH_S3_BUCKET}}\"",
                "        aws:",
                "          region: \"${{env:AWS_REGION}}\"",
                "        object_key:",
                "          path_prefix: \"" + prefix + "\"",
                "        codec:",
                "          ndjson:",
                "        compression: gzip",
                "        threshold:",
                "          event_count: 100",
                "          event_collect_timeout: 5s",
                ""));
        runToFinish(pipeline);
        final String listPrefix = prefix.substring(0, prefix.indexOf("%{"));
        try (S3Client s3 = stack.newS3Client()) {
            final List<S3Object> objects = s3.listObjectsV2(b -> b.bucket(stack.bucket()).prefix(listPrefix)).contents();
            assertEquals(3, objects.size(), "100 + 100 + 50 events");
            final Set<String> ids = new HashSet<>();
            for (final S3Object object : objects) {
                assertTrue(object.key().endsWith(".ndjson.gz"), object.key());
                final byte[] gz = s3.getObjectAsBytes(b -> b.bucket(stack.bucket()).key(object.key())).asByteArray();
                final String text = new String(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes(), StandardCharsets.UTF_8);
                for (final String line : text.split("\n")) {
                    final JsonNode event = JSON.readTree(line);
                    ids.add(event.get("recordId").asText());
                }
            }
            assertEquals(250, ids.size());
        }
    }

    @Test
    void includeKeysAndJsonlExtensionWriteBedrockInputLines() throws Exception {
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            lines.add("{\"_id\":\"doc" + i + "\",\"text\":\"document " + i + "\",\"lemma\":\"l" + i + "\"}");
        }
        final Path input = Files.write(dir.resolve("input.ndjson"), lines);
        final String prefix = "s3-sink-it/" + System.nanoTime() + "/bedrock/input/";
        final Path pipeline = Files.writeString(dir.resolve("pipeline.yaml"), String.join("\n",
                "bedrock-prepare:",
                "  source:",
                "    file:",
                "      path: " + input,
                "      format: json",
                "      record_type: event",
                "  processor:",
                "    - copy_values:",
                "        entries:",
                "          - from_key: /_id",
                "            to_key: /recordId",
                "          - from_key: /text",
                "            to_key: /modelInput/inputText",
                "  sink:",
                "    - s3:",
                "        include_keys:",
                "          - recordId",
                "          - modelInput",
                "        bucket: \"${{env:MLBATCH_S3_BUCKET}}\"",
                "        aws:",
                "          region: \"${{env:AWS_REGION}}\"",
                "        object_key:",
                "          path_prefix: \"" + prefix + "\"",
                "        codec:",
                "          ndjson:",
                "            extension: jsonl",
                "        threshold:",
                "          event_count: 100",
                "          event_collect_timeout: 5s",
                ""));
        runToFinish(pipeline);
        try (S3Client s3 = stack.newS3Client()) {
            final List<S3Object> objects = s3.listObjectsV2(b -> b.bucket(stack.bucket()).prefix(prefix)).contents();
            assertEquals(2, objects.size(), "100 + 20 events");
            final Set<String> ids = new HashSet<>();
            for (final S3Object object : objects) {
                assertTrue(object.key().endsWith(".jsonl"), object.key());
                final String text = s3.getObjectAsBytes(b -> b.bucket(stack.bucket()).key(object.key())).asUtf8String();
                for (final String line : text.split("\n")) {
                    final JsonNode record = JSON.readTree(line);
                    final Set<String> keys = new HashSet<>();
                    record.fieldNames().forEachRemaining(keys::add);
                    assertEquals(Set.of("recordId", "modelInput"), keys, line);
                    final String id = record.get("recordId").asText();
                    assertEquals("document " + id.substring(3), record.at("/modelInput/inputText").asText(), line);
                    ids.add(id);
                }
            }
            assertEquals(120, ids.size());
        }
    }

    private void runToFinish(final Path pipeline) throws InterruptedException {
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipeline).env(stack.asMap()).build();
        try {
            runtime.start();
            assertTrue(runtime.awaitFinished(Duration.ofMinutes(2)), "the pipeline finishes");
        } finally {
            runtime.shutdown();
        }
    }
}
