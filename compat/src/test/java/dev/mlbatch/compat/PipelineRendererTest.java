package dev.mlbatch.compat;

import dev.mlbatch.demo.Provider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineRendererTest {

    @TempDir
    Path tmp;

    @Test
    void substitutesEveryEnvReferenceAndGivesMlInferenceAnAbsoluteStateDirectory() throws IOException {
        final Path source = tmp.resolve("in.yaml");
        Files.writeString(source, """
                p:
                  processor:
                    - ml_inference:
                        host: "${{env:HOST}}"
                        state_directory: data/relative
                        ml_when: '/bucket == "${{env:BUCKET}}" and /b != "${{env:BUCKET}}"'
                """);
        final Path target = tmp.resolve("out/p.yaml");
        new PipelineRenderer(Map.of("HOST", "http://127.0.0.1:19201", "BUCKET", "b$1")).render(source, target, tmp.resolve("state"));
        assertEquals("""
                p:
                  processor:
                    - ml_inference:
                        state_directory: "%s"
                        host: "http://127.0.0.1:19201"
                        ml_when: '/bucket == "b$1" and /b != "b$1"'
                """.formatted(tmp.resolve("state").toAbsolutePath()), Files.readString(target));
    }

    @Test
    void aReferenceWithoutValueIsNamedWithFileAndLine() throws IOException {
        final Path source = tmp.resolve("in.yaml");
        Files.writeString(source, "p:\n  sink:\n    - s3:\n        bucket: \"${{env:MISSING_BUCKET}}\"\n");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PipelineRenderer(Map.of()).render(source, tmp.resolve("out.yaml"), tmp));
        assertTrue(e.getMessage().equals(source + ":4: ${{env:MISSING_BUCKET}} has no value in the stack's env file"), e.getMessage());
    }

    @Test
    void rendersThePublishedLocalPipelinesWithoutAReferenceLeft() throws IOException {
        final Path repo = Path.of(System.getProperty("user.dir")).getParent();
        // Every value the stack's env file gives the local pipelines of the five runs.
        final Map<String, String> stackEnv = Map.ofEntries(Map.entry("MLBATCH_S3_BUCKET", "mlbatch"),
                Map.entry("AWS_REGION", "us-east-1"), Map.entry("MLBATCH_GATEWAY_URL", "http://127.0.0.1:1"),
                Map.entry("MLBATCH_SAGEMAKER_BATCH_MODEL_ID", "m1"), Map.entry("MLBATCH_BEDROCK_BATCH_MODEL_ID", "m2"),
                Map.entry("MLBATCH_BEDROCK_URL", "http://127.0.0.1:2/bedrock"),
                Map.entry("MLBATCH_OPENAI_BATCH_MODEL_ID", "m3"), Map.entry("MLBATCH_OPENAI_URL", "http://198.18.0.7:3/openai"),
                Map.entry("MLBATCH_OPENAI_API_KEY", "local-openai-key"),
                Map.entry("MLBATCH_COHERE_BATCH_MODEL_ID", "m4"), Map.entry("MLBATCH_COHERE_URL", "http://198.18.0.7:3/cohere"),
                Map.entry("MLBATCH_COHERE_API_KEY", "local-cohere-key"));
        for (final Provider provider : Provider.values()) {
            final Map<String, String> env = CompatMain.renderEnv(stackEnv, provider);
            for (final String stage : new String[] {"1-prepare", "2-trigger", "3-ingest"}) {
                final Path out = tmp.resolve(provider + stage + ".yaml");
                new PipelineRenderer(env).render(repo.resolve("pipelines/local").resolve(provider.id()).resolve(stage + ".yaml"), out, tmp);
                final String text = Files.readString(out);
                assertTrue(!text.contains("${{"), provider + "/" + stage + " still has a reference");
                // The demo's index, where the flow (and compat's held-out questions) look for the documents. Stage 1
                // writes it too where the raw document and its vector arrive as two upserts (pipelines/README.md).
                final boolean stageOneUpserts = Set.of(Provider.BEDROCK, Provider.BEDROCK_BUILTIN, Provider.COHERE).contains(provider);
                assertEquals(stage.equals("3-ingest") || stageOneUpserts && stage.equals("1-prepare"),
                        text.contains("index: \"" + provider.index() + "\""), provider + "/" + stage + " names its index");
                assertEquals(stage.equals("2-trigger"), text.contains("state_directory: \"" + tmp + "\""), provider + "/" + stage);
            }
        }
    }
}
