package dev.mlbatch.plugins.mlinference.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.runtime.RuntimeProcess;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import dev.mlbatch.stack.model.ModelServiceConfig;
import dev.mlbatch.stack.sigv4.SignedHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.mlbatch.plugins.mlinference.it.ChildRuntime.lines;
import static dev.mlbatch.plugins.mlinference.it.ChildRuntime.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL of the runtime between job creation and acknowledgement. A child JVM runs the real runtime
 * ({@code dev.mlbatch.runtime.Main run <pipeline.yaml> --exit-when-done}) on a pipeline s3 source
 * ({@code metadata_only}, acknowledgements, a durable coordination store) → ml_inference (batch_predict,
 * track_jobs) → file sinks. It is killed once the model service has received jobs and before any event was
 * acknowledged, then started again with the same store and run to its end: the model service must have
 * received exactly one job per input object.
 */
@ExtendWith(LocalStackExtension.class)
class RestartAfterKillIT {
    private static final int OBJECTS = 6;
    private static final int JOBS_BEFORE_KILL = 3;

    @TempDir
    Path dir;
    private StackRun run;
    private Instant started;

    @BeforeEach
    void start(final LocalStack stack) {
        // Slow state changes so the kill lands while the jobs run, long before the first one ends.
        stack.configureModelService(new ModelServiceConfig(1, 1500L, null, null));
        run = new StackRun(stack, dir.resolve("state"));
        started = Instant.now().minusSeconds(1);
    }

    @AfterEach
    void stop() {
        run.stack.resetModelService();
        run.close();
    }

    @Test
    void bedrockKilledAfterJobCreationTheRestartCreatesNoSecondJob() throws Exception {
        final Path pipeline = pipeline("bedrock", run.stack.bedrockBatchModelId(), dir.resolve("state"), "");
        putInputs("bedrock");
        killAfterJobsCreated("bedrock", pipeline);
        final List<String> log = runToEnd(pipeline);
        assertTrue(log.stream().anyMatch(l -> l.contains("Resuming") && l.contains("unfinished job(s) from the ledger")), "resumed from the ledger");
        assertEachInputCompletedWithOneProviderJob("bedrock");
    }

    @Test
    void bedrockEvenWithTheLedgerLostTheRestartCreatesNoSecondJob() throws Exception {
        putInputs("bedrock");
        killAfterJobsCreated("bedrock", pipeline("bedrock", run.stack.bedrockBatchModelId(), dir.resolve("state-1"), ""));
        // A new machine: no ledger, but the same coordination store. Job names are deterministic, the provider
        // refuses a second job with the same name, and the processor finds the existing task by name.
        final List<String> log = runToEnd(pipeline("bedrock", run.stack.bedrockBatchModelId(), dir.resolve("state-2"), ""));
        assertTrue(log.stream().anyMatch(l -> l.contains("already exists at the provider") || l.contains("was created before")),
                "the second run met the jobs of the first by name");
        assertEachInputCompletedWithOneProviderJob("bedrock");
    }

    @Test
    void sageMakerKilledAfterJobCreationTheRestartCreatesNoSecondJob() throws Exception {
        final Path pipeline = pipeline("sagemaker", run.stack.sageMakerBatchModelId(), dir.resolve("state"),
                "max_batch_size: 1\nbatch_wait: 0s\n");
        putInputs("sagemaker");
        killAfterJobsCreated("sagemaker", pipeline);
        runToEnd(pipeline);
        assertEachInputCompletedWithOneProviderJob("sagemaker");
    }

    private void putInputs(final String service) throws Exception {
        for (int i = 0; i < OBJECTS; i++) {
            if (service.equals("bedrock")) {
                run.putBedrockInput("r-" + i + ".jsonl", 100);
            } else {
                run.putSageMakerInput("r-" + i + ".jsonl", 20);
            }
        }
    }

    /** The pipeline (as a user writes it) and the runtime config with its durable coordination store. */
    private Path pipeline(final String service, final String modelId, final Path stateDir, final String extra) throws IOException {
        final StringBuilder yaml = new StringBuilder()
                .append("restart-test:\n")
                .append("  delay: 100\n")
                .append("  source:\n")
                .append("    s3:\n")
                .append("      acknowledgments: true\n")
                .append("      disable_bucket_ownership_validation: true\n")
                .append("      aws:\n        region: \"").append(run.stack.region()).append("\"\n")
                .append("      scan:\n        buckets:\n          - bucket:\n")
                .append("              name: \"").append(run.bucket()).append("\"\n")
                .append("              data_selection: metadata_only\n")
                .append("              filter:\n                include_prefix: [\"").append(run.run).append('/').append(service).append("/input/\"]\n")
                // As the published trigger pipelines do: the SageMaker manifests we write beside the inputs are not inputs.
                .append("                exclude_suffix: [\".manifest\"]\n")
                .append("  processor:\n    - ml_inference:\n");
        final String processor = run.baseYaml(service, modelId).replace(dir.resolve("state").toString(), stateDir.toString())
                + "track_jobs: true\njob_poll_interval: 300ms\n" + extra;
        for (final String line : processor.split("\n")) {
            yaml.append("        ").append(line).append('\n');
        }
        yaml.append("  route:\n    - jobs: '/state != null'\n")
                .append("  sink:\n")
                .append("    - file:\n        path: \"").append(dir.resolve("jobs.jsonl")).append("\"\n        append: true\n        routes: [jobs]\n")
                .append("    - file:\n        path: \"").append(inputsOut()).append("\"\n        append: true\n        routes: [_default]\n");
        final Path file = Files.writeString(dir.resolve("pipeline-" + stateDir.getFileName() + ".yaml"), yaml.toString());
        Files.writeString(config(), "serverPort: 0\nsource_coordination:\n  store:\n    file:\n      path: \""
                + dir.resolve("coordination/partitions.jsonl") + "\"\n");
        return file;
    }

    private Path config() {
        return dir.resolve("data-prepper-config.yaml");
    }

    private Path inputsOut() {
        return dir.resolve("inputs.jsonl");
    }

    private void killAfterJobsCreated(final String service, final Path pipeline) throws Exception {
        try (RuntimeProcess child = start(pipeline)) {
            final boolean received = waitFor(() -> providerJobsForRun(service) >= JOBS_BEFORE_KILL, Duration.ofMinutes(2));
            final int acknowledgedBefore = lines(inputsOut()).size();
            child.kill(); // SIGKILL on Linux
            final String output = child.output();
            echo("before the kill", output);
            assertTrue(received, "the model service received " + JOBS_BEFORE_KILL + " jobs before the kill; output:\n" + output);
            assertEquals(137, child.exitValue(), "killed by SIGKILL");
            // The sink writes an event before it acknowledges it: an empty output means nothing was acknowledged.
            assertEquals(0, acknowledgedBefore, "no input event was acknowledged before the kill");
            assertEquals(0, lines(inputsOut()).size(), "no input event was acknowledged before the kill");
        }
        System.out.println("[before the kill] jobs at the model service: " + providerJobsForRun(service));
    }

    /** Runs the pipeline until the runtime exits by itself; returns its output lines. */
    private List<String> runToEnd(final Path pipeline) throws Exception {
        try (RuntimeProcess child = start(pipeline)) {
            final int exit = child.awaitExit(Duration.ofMinutes(5));
            final String output = child.output();
            echo("after the restart", output);
            assertEquals(0, exit, output);
            return output.lines().toList();
        }
    }

    private void assertEachInputCompletedWithOneProviderJob(final String service) throws Exception {
        final List<JsonNode> inputs = new ArrayList<>();
        for (final String line : lines(inputsOut())) {
            inputs.add(StackRun.JSON.readTree(line));
        }
        final Set<String> keys = new HashSet<>();
        final Set<String> jobNames = new HashSet<>();
        for (final JsonNode input : inputs) {
            assertEquals("COMPLETED", input.path("job_state").asText(), input.toString());
            keys.add(input.path("key").asText());
            jobNames.add(input.path("job_name").asText());
        }
        assertEquals(OBJECTS, keys.size(), "every input object came out: " + inputs);
        assertEquals(OBJECTS, jobNames.size(), "one job per object: " + jobNames);
        assertEquals(OBJECTS, lines(dir.resolve("jobs.jsonl")).size(), "one job event per job");
        assertEquals(OBJECTS, providerJobsForRun(service), "jobs received by the model service == input objects");
    }

    /**
     * Jobs the model service received for this run's input objects, asked with its own APIs: Bedrock's list
     * carries each job's input URI; SageMaker's does not, so jobs created since the test started are described.
     */
    private int providerJobsForRun(final String service) throws Exception {
        final String inputs = "s3://" + run.bucket() + "/" + run.run + "/";
        if (service.equals("bedrock")) {
            final JsonNode list = StackRun.JSON.readTree(client("bedrock").send("GET",
                    run.stack.modelServiceUrl() + "/bedrock/model-invocation-jobs?maxResults=1000", null).body());
            int count = 0;
            for (final JsonNode job : list.path("invocationJobSummaries")) {
                if (job.path("inputDataConfig").path("s3InputDataConfig").path("s3Uri").asText().startsWith(inputs)) {
                    count++;
                }
            }
            return count;
        }
        final SignedHttpClient sageMaker = client("sagemaker");
        final JsonNode list = StackRun.JSON.readTree(sageMaker.send("POST", run.stack.modelServiceUrl() + "/sagemaker/ListTransformJobs",
                StackRun.JSON.writeValueAsString(Map.of("MaxResults", 1000))).body());
        int count = 0;
        for (final JsonNode job : list.path("TransformJobSummaries")) {
            if (new BigDecimal(job.path("CreationTime").asText()).movePointRight(3).longValue() < started.toEpochMilli()) {
                continue;
            }
            final JsonNode described = StackRun.JSON.readTree(sageMaker.send("POST", run.stack.modelServiceUrl() + "/sagemaker/DescribeTransformJob",
                    StackRun.JSON.writeValueAsString(Map.of("TransformJobName", job.path("TransformJobName").asText()))).body());
            if (described.path("TransformInput").path("DataSource").path("S3DataSource").path("S3Uri").asText().startsWith(inputs)) {
                count++;
            }
        }
        return count;
    }

    private SignedHttpClient client(final String service) {
        return new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY, run.stack.region(), service);
    }

    private RuntimeProcess start(final Path pipeline) throws IOException {
        return ChildRuntime.start(pipeline, config(), dir);
    }


    /** The child's job lines, for the test report. */
    private static void echo(final String phase, final String output) {
        output.lines().filter(l -> l.contains("created: task") || l.contains("already exists") || l.contains("created before")
                        || l.contains("Resuming") || l.contains("-> COMPLETED") || l.contains("ERROR"))
                .forEach(l -> System.out.println("[" + phase + "] " + l));
    }
}
