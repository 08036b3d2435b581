package dev.mlbatch.plugins.mlinference.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.runtime.RuntimeProcess;
import dev.mlbatch.stack.LocalCredentials;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import dev.mlbatch.stack.StackEnv;
import dev.mlbatch.stack.model.ModelServiceConfig;
import dev.mlbatch.stack.sigv4.SignedHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.mlbatch.plugins.mlinference.it.ChildRuntime.lines;
import static dev.mlbatch.plugins.mlinference.it.ChildRuntime.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A built-in Bedrock model (upstream's direct mode: no ML Commons, no host) in the real runtime, SIGKILLed mid-way.
 * A child JVM runs {@code dev.mlbatch.runtime.Main run <pipeline.yaml> --exit-when-done} on an s3 source
 * ({@code metadata_only}, acknowledgements, a durable coordination store) → ml_inference ({@code model_id:
 * amazon.titan-embed-text-v2:0}, {@code aws.job_sts_role_arn}, {@code bedrock_endpoint} = the local model service,
 * track_jobs) → file sinks. It is killed once the model service has received 3 of the 6 jobs and before any event was
 * acknowledged, then started again — with its ledger, or with the ledger lost — and run to its end: every input comes out
 * COMPLETED and the model service received exactly one job per input.
 */
@ExtendWith(LocalStackExtension.class)
class BuiltInBedrockRestartIT {
    private static final int OBJECTS = 6;
    private static final int JOBS_BEFORE_KILL = 3;
    private static final String MODEL = "amazon.titan-embed-text-v2:0";
    private static final String JOB_ROLE = "arn:aws:iam::123456789012:role/BedrockBatchRole";

    @TempDir
    Path dir;
    private StackRun run;

    @BeforeEach
    void start(final LocalStack stack) {
        // Slow state changes so the kill lands while the jobs run, long before the first one ends.
        stack.configureModelService(new ModelServiceConfig(1, 1500L, null, null));
        run = new StackRun(stack, dir.resolve("state"));
    }

    @AfterEach
    void stop() {
        run.stack.resetModelService();
        run.close();
    }

    @Test
    void killedMidwayTheRestartResumesFromTheLedgerWithoutASecondJob() throws Exception {
        final Path pipeline = pipeline(dir.resolve("state"));
        putInputs();
        killAfterJobsCreated(pipeline);
        final List<String> log = runToEnd(pipeline);
        assertTrue(log.stream().anyMatch(l -> l.contains("Resuming") && l.contains("unfinished job(s) from the ledger")), "resumed from the ledger");
        assertEachInputCompletedWithOneBedrockJob(log);
    }

    @Test
    void killedMidwayWithTheLedgerLostTheRestartFindsTheJobsAndCreatesNoSecond() throws Exception {
        putInputs();
        killAfterJobsCreated(pipeline(dir.resolve("state-1")));
        // A new machine: no ledger, the same coordination store. The job names are deterministic: the processor asks
        // Bedrock for each by name before creating it, and a create it does send carries the name as clientRequestToken.
        final List<String> log = runToEnd(pipeline(dir.resolve("state-2")));
        assertTrue(log.stream().anyMatch(l -> l.contains("was created before")), "the second run met the jobs of the first by name");
        assertEachInputCompletedWithOneBedrockJob(log);
    }

    private void putInputs() throws Exception {
        for (int i = 0; i < OBJECTS; i++) {
            run.putBedrockInput("r-" + i + ".jsonl", 100);
        }
    }

    /** The pipeline as a user writes it for a built-in model (no host), and the runtime config with its durable store. */
    private Path pipeline(final Path stateDir) throws IOException {
        final String processor = "service_name: bedrock\n"
                + "model_id: \"" + MODEL + "\"\n"
                + "output_path: \"s3://" + run.bucket() + "/" + run.run + "/bedrock/output/\"\n"
                + "aws:\n  region: \"" + run.stack.region() + "\"\n  job_sts_role_arn: \"" + JOB_ROLE + "\"\n"
                + "bedrock_endpoint: \"" + run.stack.env().get(StackEnv.BEDROCK_URL) + "\"\n"
                + "s3_endpoint: \"" + run.stack.s3Endpoint() + "\"\n"
                + "tags_on_failure: [ml_failed]\n"
                + "state_directory: \"" + stateDir + "\"\n"
                + "track_jobs: true\njob_poll_interval: 300ms\n";
        final StringBuilder yaml = new StringBuilder()
                .append("builtin-restart-test:\n")
                .append("  delay: 100\n")
                .append("  source:\n")
                .append("    s3:\n")
                .append("      acknowledgments: true\n")
                .append("      disable_bucket_ownership_validation: true\n")
                .append("      aws:\n        region: \"").append(run.stack.region()).append("\"\n")
                .append("      scan:\n        buckets:\n          - bucket:\n")
                .append("              name: \"").append(run.bucket()).append("\"\n")
                .append("              data_selection: metadata_only\n")
                .append("              filter:\n                include_prefix: [\"").append(run.run).append("/bedrock/input/\"]\n")
                .append("  processor:\n    - ml_inference:\n");
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

    private void killAfterJobsCreated(final Path pipeline) throws Exception {
        try (RuntimeProcess child = start(pipeline)) {
            final boolean received = waitFor(() -> bedrockJobsForRun().size() >= JOBS_BEFORE_KILL, Duration.ofMinutes(2));
            final int acknowledgedBefore = lines(inputsOut()).size();
            child.kill(); // SIGKILL on Linux
            final String output = child.output();
            echo("before the kill", output);
            assertTrue(received, "the model service received " + JOBS_BEFORE_KILL + " jobs before the kill; output:\n" + output);
            assertEquals(137, child.exitValue(), "killed by SIGKILL");
            assertTrue(output.contains("requests to Bedrock at " + run.stack.env().get(StackEnv.BEDROCK_URL)), "built-in mode: " + output);
            // The sink writes an event before it acknowledges it: an empty output means nothing was acknowledged.
            assertEquals(0, acknowledgedBefore, "no input event was acknowledged before the kill");
            assertEquals(0, lines(inputsOut()).size(), "no input event was acknowledged before the kill");
        }
        System.out.println("[before the kill] jobs at the model service: " + bedrockJobsForRun().size());
    }

    private List<String> runToEnd(final Path pipeline) throws Exception {
        try (RuntimeProcess child = start(pipeline)) {
            final int exit;
            try {
                exit = child.awaitExit(Duration.ofMinutes(5));
            } catch (final IllegalStateException timedOut) {
                // The temporary directory goes with the test: show why the runtime did not finish.
                final List<String> lines = child.output().lines().toList();
                lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(l -> System.out.println("[unfinished] " + l));
                throw timedOut;
            }
            final String output = child.output();
            echo("after the restart", output);
            assertEquals(0, exit, output);
            return output.lines().toList();
        }
    }

    private void assertEachInputCompletedWithOneBedrockJob(final List<String> log) throws Exception {
        final Set<String> keys = new HashSet<>();
        final Set<String> jobArns = new HashSet<>();
        for (final String line : lines(inputsOut())) {
            final JsonNode input = StackRun.JSON.readTree(line);
            assertEquals("COMPLETED", input.path("job_state").asText(), input.toString());
            keys.add(input.path("key").asText());
            jobArns.add(input.path("task_id").asText());
        }
        assertEquals(OBJECTS, keys.size(), "every input object came out");
        assertEquals(OBJECTS, jobArns.size(), "one job per object: " + jobArns);
        assertTrue(jobArns.stream().allMatch(arn -> arn.startsWith("arn:aws:bedrock:")), "the task id is the Bedrock job ARN: " + jobArns);
        assertEquals(OBJECTS, lines(dir.resolve("jobs.jsonl")).size(), "one job event per job");
        final List<JsonNode> jobs = bedrockJobsForRun();
        assertEquals(OBJECTS, jobs.size(), "jobs received by the model service == input objects: " + jobs);
        for (final JsonNode job : jobs) {
            assertEquals("Completed", job.path("status").asText(), job.toString());
            assertEquals(JOB_ROLE, job.path("roleArn").asText());
            assertEquals(MODEL, job.path("modelId").asText());
            assertEquals(job.path("jobName").asText(), job.path("clientRequestToken").asText(), "the job name is the token");
            assertTrue(jobArns.contains(job.path("jobArn").asText()));
        }
        assertFalse(log.stream().anyMatch(l -> l.contains("_batch_predict") || l.contains("ML Commons refused")), "ML Commons took no part");
    }

    /** The model service's invocation jobs for this run's inputs, from its own ListModelInvocationJobs. */
    private List<JsonNode> bedrockJobsForRun() throws Exception {
        final String inputs = "s3://" + run.bucket() + "/" + run.run + "/";
        final SignedHttpClient client = new SignedHttpClient(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY,
                run.stack.region(), "bedrock");
        final JsonNode list = StackRun.JSON.readTree(client.send("GET", run.stack.modelServiceUrl() + "/bedrock/model-invocation-jobs?maxResults=1000",
                null).body());
        final List<JsonNode> jobs = new ArrayList<>();
        for (final JsonNode job : list.path("invocationJobSummaries")) {
            if (job.path("inputDataConfig").path("s3InputDataConfig").path("s3Uri").asText().startsWith(inputs)) {
                jobs.add(job);
            }
        }
        return jobs;
    }

    private RuntimeProcess start(final Path pipeline) throws IOException {
        return ChildRuntime.start(pipeline, config(), dir);
    }


    private static void echo(final String phase, final String output) {
        output.lines().filter(l -> l.contains("created: task") || l.contains("created before") || l.contains("Resuming")
                        || l.contains("-> COMPLETED") || l.contains("ERROR") || l.contains("requests to"))
                .forEach(l -> System.out.println("[" + phase + "] " + l));
    }
}
