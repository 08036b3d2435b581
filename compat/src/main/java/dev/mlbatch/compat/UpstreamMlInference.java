package dev.mlbatch.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Upstream's own {@code ml_inference} in a Data Prepper copy that has our plugins deployed, for
 * {@code mlbatch compat --versus-upstream}: its jar back in {@code lib/} (ours set aside in {@value #OURS_DIR}/), and
 * a rendered pipeline cut down to the options upstream knows (it refuses any other).
 */
final class UpstreamMlInference {
    static final String OURS_DIR = "lib.ours";
    /** Upstream 2.16.0's {@code MLProcessorConfig} keys. */
    static final Set<String> UPSTREAM_KEYS = Set.of("aws", "action_type", "service_name", "host", "model_id",
            "output_path", "aws_sigv4", "input_key", "ml_when", "tags_on_failure", "max_batch_size",
            "retry_time_window", "retry_interval", "dlq");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String OURS = "ml-inference-processor-";
    private static final String UPSTREAMS = "data-prepper-ml-inference-processor-";

    private UpstreamMlInference() {
    }

    /** Moves our ml-inference jar to {@value #OURS_DIR}/ and upstream's from {@code lib.replaced/} back to {@code lib/}. */
    static void swapIn(final Path home, final PrintStream out) throws IOException {
        final Path lib = home.resolve("lib");
        final Path ours = only(lib, OURS);
        final Path upstream = only(home.resolve(Deployment.REPLACED_DIR), UPSTREAMS);
        Files.createDirectories(home.resolve(OURS_DIR));
        Files.move(ours, home.resolve(OURS_DIR).resolve(ours.getFileName()));
        Files.move(upstream, lib.resolve(upstream.getFileName()));
        out.printf(Locale.ROOT, "upstream's ml_inference in %s: lib/%s (ours moved to %s/)%n", home, upstream.getFileName(), OURS_DIR);
    }

    /**
     * Rewrites a rendered pipeline file: each {@code ml_inference} keeps only upstream's options, minus {@code dlq}:
     * upstream's s3 DLQ requires an {@code sts_role_arn}, and the local stack has no STS to assume it with (its
     * failures are still tagged {@code tags_on_failure} and routed). Returns the options taken out.
     */
    static List<String> adapt(final Path pipeline) throws IOException {
        final JsonNode root = YAML.readTree(pipeline.toFile());
        final List<String> removed = new ArrayList<>();
        for (final Iterator<Map.Entry<String, JsonNode>> pipelines = root.fields(); pipelines.hasNext(); ) {
            for (final JsonNode processor : pipelines.next().getValue().path("processor")) {
                if (processor.get("ml_inference") instanceof ObjectNode config) {
                    for (final Iterator<String> keys = config.fieldNames(); keys.hasNext(); ) {
                        final String key = keys.next();
                        if (!UPSTREAM_KEYS.contains(key) || key.equals("dlq")) {
                            removed.add(key);
                            keys.remove();
                        }
                    }
                }
            }
        }
        YAML.writeValue(pipeline.toFile(), root);
        return removed;
    }

    private static Path only(final Path dir, final String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            final List<Path> found = files.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(".jar")).toList();
            if (found.size() != 1) {
                throw new IllegalStateException(dir + " holds " + found.size() + " " + prefix + "*.jar, expected 1");
            }
            return found.get(0);
        }
    }
}
