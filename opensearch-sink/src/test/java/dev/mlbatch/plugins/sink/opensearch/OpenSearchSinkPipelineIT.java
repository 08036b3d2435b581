package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.runtime.DataPrepperRuntime;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sink inside a whole pipeline run by the local runtime (plugin discovery, config binding, ${{env:...}}
 * values, credentials supplier), writing knn documents to the real node; running the same file twice leaves one copy.
 */
@ExtendWith(LocalStackExtension.class)
class OpenSearchSinkPipelineIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private final LocalStack stack;
    private final NodeProbe node;
    private final String index = "sink-pipeline-it-" + Long.toString(System.nanoTime(), 36).toLowerCase(Locale.ROOT);

    OpenSearchSinkPipelineIT(final LocalStack stack) {
        this.stack = stack;
        this.node = new NodeProbe(stack.openSearchUrl());
    }

    @AfterEach
    void cleanUp() throws Exception {
        node.delete("/" + index);
        node.delete("/_template/" + index + "-index-template");
    }

    private void run(final Path pipeline) throws Exception {
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipeline).env(stack.asMap()).build();
        try {
            runtime.start();
            assertTrue(runtime.awaitFinished(Duration.ofMinutes(2)), "the pipeline finishes");
        } finally {
            runtime.shutdown();
        }
    }

    @Test
    void filePipelineIndexesVectorsAndARerunLeavesOneCopy() throws Exception {
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            lines.add(JSON.writeValueAsString(Map.of("id", "doc-" + i, "text", "line " + i, "n", i, "vector", Vectors.unit(i, 384))));
        }
        final Path input = Files.write(dir.resolve("input.ndjson"), lines);
        final Path template = Path.of("src/test/resources/templates/knn-v1.json").toAbsolutePath();
        final Path pipeline = Files.writeString(dir.resolve("pipeline.yaml"), String.join("\n",
                "ingest-pipeline:",
                "  source:",
                "    file:",
                "      path: " + input,
                "      format: json",
                "      record_type: event",
                "  sink:",
                "    - opensearch:",
                "        hosts: [\"${{env:MLBATCH_OPENSEARCH_URL}}\"]",
                "        index: " + index,
                "        template_file: " + template,
                "        document_id: \"${/id}\"",
                "        bulk_size: 1",
                "        dlq_file: " + dir.resolve("dlq.ndjson"),
                ""));
        run(pipeline);
        assertEquals(500, node.count(index));
        run(pipeline);
        assertEquals(500, node.count(index), "document_id turns the rerun into overwrites");
        assertEquals("knn_vector", node.call("GET", "/" + index + "/_mapping", null).body()
                .at("/" + index + "/mappings/properties/vector/type").asText());
        assertTrue(!Files.exists(dir.resolve("dlq.ndjson")) || Files.readAllLines(dir.resolve("dlq.ndjson")).isEmpty());
    }
}
