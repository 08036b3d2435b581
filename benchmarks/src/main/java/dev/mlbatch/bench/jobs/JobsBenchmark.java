package dev.mlbatch.bench.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.runtime.DataPrepperRuntime;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.ml.UnfinishedBatchTasks;
import dev.mlbatch.stack.model.ModelServiceConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code ./mlbatch bench jobs}: 20 Bedrock batch jobs through a real pipeline on the local stack — s3 source
 * ({@code metadata_only}, acknowledgements) → {@code ml_inference} ({@code track_jobs}) → file sinks — with
 * {@code plugins.ml_commons.max_batch_inference_tasks=2} and the model service running two jobs at once. Prints the
 * makespan (first submission to the last job seen ended, both as the processor saw them) next to the ideal: 10
 * rounds of two jobs, each round as long as the mean job duration the provider reports (submitTime to endTime);
 * then where each round's extra time goes. Arguments: {@code [recordsPerObject=500] [jobPollInterval=200ms]}.
 * Last line: {@code jobs: <ratio> of ideal makespan (target <= 1.15)}.
 */
public final class JobsBenchmark {
    private static final int OBJECTS = 20;
    private static final int SLOTS = 2;
    private static final double TARGET = 1.15;
    private static final int BEDROCK_MIN_RECORDS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PIPELINE = "jobs-bench";

    private JobsBenchmark() {
    }

    /** One job as the processor reported it (job event) and as the provider did (through ML Commons' task). */
    private record Job(String name, String state, Instant submitted, Instant seenEnded, Instant providerSubmitted, Instant providerEnded) {
        long providerMillis() {
            return Duration.between(providerSubmitted, providerEnded).toMillis();
        }
    }

    public static void main(final String[] args) throws Exception {
        final int records = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        if (records < BEDROCK_MIN_RECORDS) {
            throw new IllegalArgumentException("recordsPerObject must be at least " + BEDROCK_MIN_RECORDS
                    + ": Bedrock (and the local model service) fails batch jobs with fewer records");
        }
        final String pollInterval = args.length > 1 ? args[1] : "200ms";
        final LocalStack stack = LocalStack.startOrReuse();
        final OpenSearchHttp os = new OpenSearchHttp(stack.openSearchUrl());
        final String run = "bench-jobs-" + UUID.randomUUID().toString().substring(0, 8);
        final Path work = Files.createTempDirectory("jobs-bench");
        // Two slots mean two jobs at a time: let the model service run two at once, as the provider would.
        stack.configureModelService(new ModelServiceConfig(SLOTS, 0L, null, null));
        try {
            final List<UnfinishedBatchTasks.Task> others = new UnfinishedBatchTasks(os).refreshUntilEnded(Duration.ofMinutes(2));
            if (!others.isEmpty()) {
                System.out.println("warning: batch tasks of others still hold slots and slow this run down: " + others);
            }
            writeInputs(stack, run, records);
            System.out.printf(Locale.ROOT, "jobs benchmark %s: %d Bedrock objects x %d records, max_batch_inference_tasks=%d,"
                    + " model service jobParallelism=%d, job_poll_interval=%s%n", run, OBJECTS, records, SLOTS, SLOTS, pollInterval);
            os.put("/_cluster/settings", Map.of("persistent", Map.of("plugins.ml_commons.max_batch_inference_tasks", SLOTS))).orThrow("set limit");

            final Path jobsOut = work.resolve("jobs.jsonl");
            final DataPrepperRuntime runtime = DataPrepperRuntime.builder()
                    .pipelines(Files.writeString(work.resolve("pipeline.yaml"), pipeline(stack, run, pollInterval, work, jobsOut)))
                    .envFile(StackHome.locate().envFile())
                    .serverPort(0)
                    .build();
            final long t0 = System.nanoTime();
            runtime.start();
            final double throttled;
            try {
                if (!runtime.awaitFinished(Duration.ofMinutes(20))) {
                    throw new IllegalStateException("the pipeline did not finish within 20 minutes");
                }
                throttled = counter("batchJobsThrottled");
            } finally {
                runtime.shutdown();
            }
            final double wallSeconds = (System.nanoTime() - t0) / 1e9;
            report(jobs(os, jobsOut), throttled, wallSeconds);
        } finally {
            stack.resetModelService();
            final Map<String, Object> reset = new HashMap<>();
            reset.put("plugins.ml_commons.max_batch_inference_tasks", null);
            os.put("/_cluster/settings", Map.of("persistent", reset));
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void writeInputs(final LocalStack stack, final String run, final int records) throws Exception {
        try (S3Client s3 = stack.newS3Client()) {
            for (int i = 0; i < OBJECTS; i++) {
                final StringBuilder body = new StringBuilder();
                for (int r = 0; r < records; r++) {
                    body.append(JSON.writeValueAsString(Map.of("recordId", String.format("R%02d%06d", i, r),
                            "modelInput", Map.of("inputText", "Benchmark passage " + r + " of object " + i + " about offline inference."))))
                            .append('\n');
                }
                put(s3, stack.bucket(), run + "/input/part-" + String.format("%02d", i) + ".jsonl", body.toString());
            }
        }
    }

    /** The stage-2 pipeline of the project's flow, pointed at this run's objects; job events to one file, inputs to another. */
    private static String pipeline(final LocalStack stack, final String run, final String pollInterval, final Path work,
                                   final Path jobsOut) {
        return PIPELINE + ":\n"
                + "  delay: 100\n"
                + "  source:\n"
                + "    s3:\n"
                + "      acknowledgments: true\n"
                + "      disable_bucket_ownership_validation: true\n"
                + "      aws: { region: \"" + stack.region() + "\" }\n"
                + "      scan:\n"
                + "        buckets:\n"
                + "          - bucket:\n"
                + "              name: \"" + stack.bucket() + "\"\n"
                + "              data_selection: metadata_only\n"
                + "              filter: { include_prefix: [\"" + run + "/input/\"] }\n"
                + "  processor:\n"
                + "    - ml_inference:\n"
                + "        host: \"" + stack.gatewayUrl() + "\"\n"
                + "        service_name: bedrock\n"
                + "        model_id: \"" + stack.bedrockBatchModelId() + "\"\n"
                + "        output_path: \"s3://" + stack.bucket() + "/" + run + "/output/\"\n"
                + "        aws: { region: \"" + stack.region() + "\" }\n"
                + "        s3_endpoint: \"" + stack.s3Endpoint() + "\"\n"
                + "        track_jobs: true\n"
                + "        job_poll_interval: " + pollInterval + "\n"
                + "        retry_interval: 3s\n"
                + "        state_directory: \"" + work.resolve("state") + "\"\n"
                + "  route:\n"
                + "    - jobs: '/state != null'\n"
                + "  sink:\n"
                + "    - file: { path: \"" + jobsOut + "\", routes: [jobs] }\n"
                + "    - file: { path: \"" + work.resolve("inputs.jsonl") + "\", routes: [_default] }\n";
    }

    private static List<Job> jobs(final OpenSearchHttp os, final Path jobsOut) throws Exception {
        final List<Job> jobs = new ArrayList<>();
        for (final String line : Files.readAllLines(jobsOut)) {
            if (line.isBlank()) {
                continue;
            }
            final JsonNode event = JSON.readTree(line);
            final JsonNode remote = os.get("/_plugins/_ml/tasks/" + event.path("task_id").asText()).orThrow("read task").path("remote_job");
            jobs.add(new Job(event.path("job_name").asText(), event.path("state").asText(),
                    Instant.parse(event.path("start_time").asText()), Instant.parse(event.path("end_time").asText()),
                    Instant.parse(remote.path("submitTime").asText()), Instant.parse(remote.path("endTime").asText())));
        }
        return jobs;
    }

    private static void report(final List<Job> jobs, final double throttled, final double wallSeconds) {
        if (jobs.size() != OBJECTS) {
            throw new IllegalStateException(jobs.size() + " job events for " + OBJECTS + " objects");
        }
        final long completed = jobs.stream().filter(j -> j.state().equals("COMPLETED")).count();
        final long distinct = jobs.stream().map(Job::name).distinct().count();
        final double providerMean = jobs.stream().mapToLong(Job::providerMillis).average().orElseThrow();
        final Instant first = jobs.stream().map(Job::submitted).min(Comparator.naturalOrder()).orElseThrow();
        final Instant last = jobs.stream().map(Job::seenEnded).max(Comparator.naturalOrder()).orElseThrow();
        final double makespan = Duration.between(first, last).toMillis();
        final int rounds = OBJECTS / SLOTS;
        final double ideal = rounds * providerMean;
        // Where a round's extra time goes. Detection: the provider's end until the processor saw it. Hand-over:
        // from that moment until the provider received the next job; with two slots the k-th job submitted
        // (k > 2) took the slot of the (k-2)-th job that ended.
        final double detection = jobs.stream().mapToLong(j -> Duration.between(j.providerEnded(), j.seenEnded()).toMillis()).average().orElseThrow();
        final List<Job> bySubmission = jobs.stream().sorted(Comparator.comparing(Job::providerSubmitted)).toList();
        final List<Job> byEnd = jobs.stream().sorted(Comparator.comparing(Job::seenEnded)).toList();
        double handOver = 0;
        for (int k = SLOTS; k < OBJECTS; k++) {
            handOver += Duration.between(byEnd.get(k - SLOTS).seenEnded(), bySubmission.get(k).providerSubmitted()).toMillis();
        }
        handOver /= OBJECTS - SLOTS;
        final double createLatency = jobs.stream().mapToLong(j -> Duration.between(j.providerSubmitted(), j.submitted()).toMillis())
                .average().orElseThrow();
        System.out.printf(Locale.ROOT, "jobs completed: %d of %d, distinct job names: %d, submissions refused with 429: %.0f%n",
                completed, OBJECTS, distinct, throttled);
        System.out.printf(Locale.ROOT, "mean job duration at the provider (submitTime..endTime): %.2f s%n", providerMean / 1000);
        System.out.printf(Locale.ROOT, "per slot hand-over: %.0f ms from the provider's end to the processor seeing it (polling),"
                + " then %.0f ms until the provider received the next job (ML Commons' _batch_predict); its answer came %.0f ms later%n",
                detection, handOver, createLatency);
        System.out.printf(Locale.ROOT, "extra per round: %.0f ms (makespan - ideal) / %d rounds%n", (makespan - ideal) / rounds, rounds);
        System.out.printf(Locale.ROOT, "makespan: %.1f s; ideal: %d rounds x %.2f s = %.1f s; pipeline wall time %.1f s%n",
                makespan / 1000, rounds, providerMean / 1000, ideal / 1000, wallSeconds);
        System.out.printf(Locale.ROOT, "jobs: %.2f of ideal makespan (target <= %.2f)%n", makespan / ideal, TARGET);
    }

    private static double counter(final String metric) {
        final Counter counter = Metrics.globalRegistry.find(PIPELINE + ".ml_inference." + metric).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The local S3 now and then drops a PUT connection (seen with s3proxy 4.1); the benchmark's inputs must get there. */
    private static void put(final S3Client s3, final String bucket, final String key, final String body) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                s3.putObject(p -> p.bucket(bucket).key(key), RequestBody.fromString(body));
                return;
            } catch (final SdkClientException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }
}
