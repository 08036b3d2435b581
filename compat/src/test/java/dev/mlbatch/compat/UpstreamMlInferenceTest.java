package dev.mlbatch.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpstreamMlInferenceTest {

    @TempDir
    Path tmp;

    @Test
    void adaptKeepsOnlyUpstreamsOptionsWithoutItsStsOnlyDlq() throws IOException {
        final Path pipeline = tmp.resolve("2-trigger.yaml");
        Files.writeString(pipeline, """
                version: "2"
                trigger:
                  source:
                    s3:
                      acknowledgments: true
                  processor:
                    - ml_inference:
                        state_directory: "/abs/state"
                        host: "http://127.0.0.1:1"
                        batch_wait: 3s
                        model_id: m
                        staging_path: "s3://b/staging/"
                        dlq:
                          s3:
                            bucket: b
                        tags_on_failure: [failed]
                  sink:
                    - stdout: {}
                """);
        final List<String> removed = UpstreamMlInference.adapt(pipeline);
        assertEquals(List.of("state_directory", "batch_wait", "staging_path", "dlq"), removed);
        final JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(pipeline.toFile());
        final JsonNode config = root.at("/trigger/processor/0/ml_inference");
        assertEquals(Set.of("host", "model_id", "tags_on_failure"), Set.copyOf(iterable(config)));
        assertEquals("2", root.path("version").asText(), "the rest of the file is kept");
        assertTrue(root.at("/trigger/source/s3/acknowledgments").asBoolean());
    }

    @Test
    void swapInPutsUpstreamsJarBackAndOursAside() throws IOException {
        final Path home = tmp.resolve("dp");
        Files.createDirectories(home.resolve("lib"));
        Files.createDirectories(home.resolve(Deployment.REPLACED_DIR));
        Files.writeString(home.resolve("lib/ml-inference-processor-0.1.0.jar"), "ours");
        Files.writeString(home.resolve(Deployment.REPLACED_DIR + "/data-prepper-ml-inference-processor-2.16.0.jar"), "upstream");
        UpstreamMlInference.swapIn(home, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        assertEquals("upstream", Files.readString(home.resolve("lib/data-prepper-ml-inference-processor-2.16.0.jar")));
        assertEquals("ours", Files.readString(home.resolve(UpstreamMlInference.OURS_DIR + "/ml-inference-processor-0.1.0.jar")));
        assertFalse(Files.exists(home.resolve("lib/ml-inference-processor-0.1.0.jar")));
        final IllegalStateException again = assertThrows(IllegalStateException.class,
                () -> UpstreamMlInference.swapIn(home, System.out));
        assertTrue(again.getMessage().contains("holds 0 ml-inference-processor-*.jar"), again.getMessage());
    }

    private static List<String> iterable(final JsonNode node) {
        final java.util.ArrayList<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
