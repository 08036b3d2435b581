package dev.mlbatch.plugins.mlinference.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.runtime.DataPrepperRuntime;
import dev.mlbatch.runtime.config.ConfigurationException;
import dev.mlbatch.runtime.testplugins.CollectingSink;
import dev.mlbatch.runtime.testplugins.CountingSource;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import dev.mlbatch.stack.StackHome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin inside the local runtime: discovered through its plugins.properties, bound from YAML
 * (durations as "300ms", EventKeys, the dlq PluginModel), events held by the processor and returned on
 * later calls, end-to-end acknowledgements. Uses the runtime's counting source and collecting sink.
 */
@ExtendWith(LocalStackExtension.class)
class RuntimePipelineIT {
    @TempDir
    Path dir;
    private StackRun run;

    @BeforeEach
    void start(final LocalStack stack) {
        run = new StackRun(stack, dir.resolve("state"));
    }

    @AfterEach
    void stop() {
        run.close();
    }

    private Path pipeline(final String processorYaml) throws Exception {
        final StringBuilder yaml = new StringBuilder("p:\n  source:\n    counting:\n      count: 5\n      acknowledgments: true\n      run_id: \"")
                .append(run.run).append("\"\n  processor:\n    - ml_inference:\n");
        for (final String line : processorYaml.split("\n")) {
            yaml.append("        ").append(line).append('\n');
        }
        yaml.append("  sink:\n    - collecting:\n        name: \"").append(run.run).append("\"\n");
        return Files.writeString(dir.resolve("pipelines.yaml"), yaml.toString());
    }

    @Test
    void heldEventsComeBackThroughTheRuntimeAndAreAcknowledged() throws Exception {
        // counting events name no S3 object: every one is dead-lettered, tagged and passed on (later, by the holding processor).
        final Path pipelines = pipeline(run.baseYaml("bedrock", run.stack.bedrockBatchModelId())
                + "track_jobs: true\njob_poll_interval: 300ms\nretry_interval: 3s\n");
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipelines).envFile(StackHome.locate().envFile()).build();
        runtime.start();
        try {
            assertTrue(runtime.awaitFinished(Duration.ofMinutes(2)), "the runtime finished");
        } finally {
            runtime.shutdown();
        }
        // Each event is dead-lettered and passed on; one whose dead letter could not be stored is released
        // negatively instead (the source would deliver it again) -- never both, never neither.
        final int passedOn = CollectingSink.received(run.run).size();
        final List<JsonNode> letters = run.deadLetters();
        assertEquals(passedOn, letters.size());
        assertTrue(letters.stream().allMatch(l -> l.path("message").asText().contains("no 'bucket' field")));
        assertEquals(List.of(passedOn == 5), CountingSource.ACKNOWLEDGEMENTS.get(run.run),
                "positive only if every event went on; " + passedOn + " of 5 did");
    }

    @Test
    void realTimePredictRunsInsideThePipeline() throws Exception {
        final Path pipelines = pipeline(run.baseYaml("sagemaker", run.stack.sageMakerRealtimeModelId())
                + "action_type: predict\ninput_key: /kind\noutput_key: /embedding\nmax_batch_size: 2\n");
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipelines).envFile(StackHome.locate().envFile()).build();
        runtime.start();
        try {
            assertTrue(runtime.awaitFinished(Duration.ofMinutes(2)));
        } finally {
            runtime.shutdown();
        }
        final List<String> received = CollectingSink.received(run.run);
        assertEquals(5, received.size());
        for (final String json : received) {
            assertEquals(384, StackRun.JSON.readTree(json).path("embedding").size(), json);
        }
        assertEquals(List.of(true), CountingSource.ACKNOWLEDGEMENTS.get(run.run));
    }

    @Test
    void badOptionsStopTheRuntimeAtStartNamingTheKey() throws Exception {
        final Path pipelines = pipeline(run.baseYaml("bedrock", run.stack.bedrockBatchModelId()) + "retry_interval: 1s\n");
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipelines).envFile(StackHome.locate().envFile()).build();
        final ConfigurationException e = assertThrows(ConfigurationException.class, runtime::start);
        assertTrue(e.getMessage().contains("ml_inference") && e.getMessage().contains("retry_interval must be between 3s and 300s"), e.getMessage());
        runtime.shutdown();
    }
}
