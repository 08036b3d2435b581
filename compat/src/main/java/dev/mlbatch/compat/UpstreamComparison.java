package dev.mlbatch.compat;

import dev.mlbatch.demo.EndToEndFlow;
import dev.mlbatch.demo.FlowObserver;
import dev.mlbatch.demo.ProjectLayout;
import dev.mlbatch.demo.Provider;
import dev.mlbatch.demo.ProviderJobs;
import dev.mlbatch.runtime.RuntimeProcess;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.StackEnv;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.model.ModelServiceConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code mlbatch compat DATA_PREPPER_HOME --versus-upstream}: the local stages in two copies of one real Data Prepper,
 * one with all our plugins, one with upstream's own {@code ml_inference} in place of ours (our s3 source, sinks and
 * stage 1 in both, so only the processor differs), and measures, for each:
 * <ol>
 *   <li>SageMaker: stage 2 killed (SIGKILL) right after it created its first job, then started again: the provider
 *       jobs created before and after the restart, and how many jobs the stage's log follows to their end;</li>
 *   <li>Bedrock at the ML Commons limit: three input files, {@code max_batch_inference_tasks=1} and jobs slowed down,
 *       so that two of three {@code _batch_predict} calls are answered 429: jobs created, files with an output, and
 *       dead letters, within a time limit.</li>
 * </ol>
 * Upstream's S3 clients have no path-style option: both copies reach the local S3 through its virtual-hosted-style
 * endpoint ({@code http://s3.localhost:<port>}), the names resolved by a hosts file ({@code -Djdk.net.hosts.file}).
 */
final class UpstreamComparison {
    private static final int KILL_RECORDS = 300;
    private static final int LIMIT_RECORDS = 1500;
    private static final Duration LIMIT_TIMEOUT = Duration.ofMinutes(5);
    /** Longer than upstream's SageMaker batch inactivity timeout (60 s): a replayed record becomes a job only then. */
    private static final Duration REPLAY_WAIT = Duration.ofSeconds(75);
    private static final long LIMIT_STATE_DELAY_MS = 3000;

    record Variant(String name, boolean upstreamMlInference) {
    }

    record KillResult(int inputFiles, int jobsBeforeKill, int jobsTotal, long jobsEndLogged, boolean complete) {
        int jobsAfterRestart() {
            return jobsTotal - jobsBeforeKill;
        }
    }

    record LimitResult(int inputFiles, int jobs, int filesWithOutput, long seconds, long throttledLines,
                       int deadLetterObjects, boolean complete) {
    }

    private final LocalStack stack;
    private final ProjectLayout layout;
    private final Path base;
    private final Map<String, String> env;
    private final PrintStream out;

    private UpstreamComparison(final LocalStack stack, final ProjectLayout layout, final Path base,
                               final Map<String, String> env, final PrintStream out) {
        this.stack = stack;
        this.layout = layout;
        this.base = base;
        this.env = env;
        this.out = out;
    }

    static int run(final Path source, final Map<String, String> stageEnv, final LocalStack stack, final PrintStream out)
            throws Exception {
        final Path base = StackHome.locate().root().resolve("compat").resolve("versus-upstream");
        Files.createDirectories(base);
        final Map<String, String> env = new LinkedHashMap<>(stageEnv);
        final String virtualHosted = stack.env().get(StackEnv.S3_VIRTUAL_HOSTED_ENDPOINT);
        if (virtualHosted == null) {
            throw new IllegalStateException("the local stack in " + StackHome.locate().root() + " has no "
                    + StackEnv.S3_VIRTUAL_HOSTED_ENDPOINT + " (started by an older build): ./mlbatch stack down, then run this again");
        }
        env.put("AWS_ENDPOINT_URL_S3", virtualHosted);
        env.put("JAVA_TOOL_OPTIONS", VirtualHostedNames.javaToolOptions(base.resolve("hosts"), stack.bucket()));
        final UpstreamComparison comparison = new UpstreamComparison(stack, ProjectLayout.locate(), base, env, out);
        final Map<String, KillResult> kills = new LinkedHashMap<>();
        final Map<String, LimitResult> limits = new LinkedHashMap<>();
        final String version = DataPrepperHome.inspect(source).apiVersion().toString();
        for (final Variant variant : List.of(new Variant("ours", false), new Variant("upstream " + version, true))) {
            final Path copy = comparison.prepare(source, variant);
            kills.put(variant.name(), comparison.killStageTwo(variant, copy));
            limits.put(variant.name(), comparison.atTheLimit(variant, copy));
        }
        comparison.printTable(kills, limits);
        return 0;
    }

    private Path dir(final Variant variant) {
        return base.resolve(variant.upstreamMlInference() ? "upstream" : "ours");
    }

    /** A fresh copy with our plugins deployed (and upstream's ml_inference swapped back in), pipelines rendered. */
    private Path prepare(final Path source, final Variant variant) throws IOException {
        final Path copy = dir(variant).resolve("data-prepper");
        out.printf(Locale.ROOT, "%n== %s: copying %s -> %s%n", variant.name(), source, copy);
        CompatMain.deleteTree(dir(variant)); // the copy, and the ledger an earlier comparison left
        CompatMain.copyTree(source, copy);
        new Deployment(DeployMain.bundle(), out).deploy(copy, false);
        if (variant.upstreamMlInference()) {
            UpstreamMlInference.swapIn(copy, out);
        }
        for (final Provider provider : List.of(Provider.SAGEMAKER, Provider.BEDROCK)) {
            final PipelineRenderer renderer = new PipelineRenderer(CompatMain.renderEnv(stack.asMap(), provider));
            for (final String stage : List.of(EndToEndFlow.PREPARE, EndToEndFlow.TRIGGER, EndToEndFlow.INGEST)) {
                final Path target = pipelines(variant).resolve(provider.id()).resolve(stage + ".yaml");
                renderer.render(layout.localPipelines().resolve(provider.id()).resolve(stage + ".yaml"), target,
                        dir(variant).resolve("ml-inference-state-" + provider.id()));
                if (variant.upstreamMlInference() && stage.equals(EndToEndFlow.TRIGGER)) {
                    out.printf(Locale.ROOT, "%s: ml_inference options upstream does not have, taken out: %s%n", target,
                            UpstreamMlInference.adapt(target));
                }
            }
        }
        return copy;
    }

    private Path pipelines(final Variant variant) {
        return dir(variant).resolve("pipelines");
    }

    private EndToEndFlow flow(final Variant variant, final Path copy, final Provider provider) {
        final EndToEndFlow flow = new EndToEndFlow(stack, provider, pipelines(variant), dir(variant).resolve("work-" + provider.id()),
                new DataPrepperLauncher(copy, env, CompatMain.HEAP, out), out);
        flow.rawObjectName("versus-" + (variant.upstreamMlInference() ? "upstream" : "ours") + "-" + System.currentTimeMillis() + ".jsonl");
        return flow;
    }

    private KillResult killStageTwo(final Variant variant, final Path copy) throws Exception {
        out.printf(Locale.ROOT, "%n== %s: SageMaker, stage 2 killed (SIGKILL) right after its first job, then started again%n", variant.name());
        try (EndToEndFlow flow = flow(variant, copy, Provider.SAGEMAKER)) {
            flow.reset();
            flow.load(layout.corpus(), KILL_RECORDS);
            flow.prepare();
            final FlowObserver observer = flow.observer();
            final Instant t0 = Instant.now();
            final RuntimeProcess first = flow.start(EndToEndFlow.TRIGGER);
            flow.awaitUntil(first, "its first provider job", () -> observer.providerJobs(t0).count() >= 1, Duration.ofMinutes(5));
            final int before = observer.providerJobs(t0).count();
            first.kill();
            out.printf(Locale.ROOT, "  killed stage 2 (pid %d) with %d provider job(s) created%n", first.pid(), before);
            final RuntimeProcess second = flow.start(EndToEndFlow.TRIGGER);
            boolean complete = true;
            try {
                flow.awaitUntil(second, "an output for every input and every job ended", () -> {
                    final ProviderJobs jobs = observer.providerJobs(t0);
                    return observer.outputFiles().size() >= observer.inputFiles().size() && jobs.allEnded();
                }, Duration.ofMinutes(5));
                // A replay after the restart is read within a few scans (every 2 s); give it time to become a job.
                Thread.sleep(REPLAY_WAIT.toMillis());
            } catch (final IllegalStateException e) {
                complete = false;
                out.println("  " + e.getMessage());
            }
            // Counted after the stop: upstream submits the batch it holds when it shuts down.
            flow.stop(second);
            final ProviderJobs jobs = observer.providerJobs(t0);
            final String log = Files.readString(second.log(), StandardCharsets.UTF_8);
            final long endLogged = jobs.jobs().stream().filter(j -> logsEnd(log, j.name())).count();
            return new KillResult(observer.inputFiles().size(), before, jobs.count(), endLogged, complete);
        }
    }

    /** Whether a line of the stage's log names the job together with its end. */
    private static boolean logsEnd(final String log, final String job) {
        return log.lines().anyMatch(line -> line.contains(job) && line.toLowerCase(Locale.ROOT).contains("ended"));
    }

    private LimitResult atTheLimit(final Variant variant, final Path copy) throws Exception {
        out.printf(Locale.ROOT, "%n== %s: Bedrock, 3 input files, ML Commons max_batch_inference_tasks=1, jobs slowed to ~%d s%n",
                variant.name(), LIMIT_STATE_DELAY_MS * 4 / 1000);
        final OpenSearchHttp os = new OpenSearchHttp(stack.openSearchUrl());
        try (EndToEndFlow flow = flow(variant, copy, Provider.BEDROCK)) {
            flow.reset();
            flow.load(layout.corpus(), LIMIT_RECORDS);
            flow.prepare();
            final FlowObserver observer = flow.observer();
            os.put("/_cluster/settings", Map.of("persistent", Map.of("plugins.ml_commons.max_batch_inference_tasks", 1)))
                    .orThrow("set max_batch_inference_tasks");
            stack.configureModelService(new ModelServiceConfig(1, LIMIT_STATE_DELAY_MS, null, null));
            final Instant t0 = Instant.now();
            final RuntimeProcess trigger = flow.start(EndToEndFlow.TRIGGER);
            boolean complete = true;
            try {
                flow.awaitUntil(trigger, "an output for every input and every job ended", () -> {
                    final ProviderJobs jobs = observer.providerJobs(t0);
                    return observer.outputFiles().size() >= observer.inputFiles().size() && jobs.count() > 0 && jobs.allEnded();
                }, LIMIT_TIMEOUT);
            } catch (final IllegalStateException e) {
                complete = false;
                out.println("  " + e.getMessage());
            }
            final long seconds = Duration.between(t0, Instant.now()).toSeconds();
            final String log = Files.readString(trigger.log(), StandardCharsets.UTF_8);
            final long throttled = log.lines().filter(l -> l.contains("429") || l.toLowerCase(Locale.ROOT).contains("throttl")).count();
            flow.stop(trigger);
            final int deadLetters = deadLetterObjects(Provider.BEDROCK);
            return new LimitResult(observer.inputFiles().size(), observer.providerJobs(t0).count(),
                    Math.min(observer.outputFiles().size(), observer.inputFiles().size()), seconds, throttled, deadLetters, complete);
        } finally {
            final Map<String, Object> reset = new HashMap<>();
            reset.put("plugins.ml_commons.max_batch_inference_tasks", null);
            os.put("/_cluster/settings", Map.of("persistent", reset));
            stack.resetModelService();
        }
    }

    private int deadLetterObjects(final Provider provider) {
        try (var s3 = stack.newS3Client()) {
            return (int) s3.listObjectsV2Paginator(r -> r.bucket(stack.bucket()).prefix(provider.prefix() + "failed-jobs/"))
                    .contents().stream().count();
        }
    }

    private void printTable(final Map<String, KillResult> kills, final Map<String, LimitResult> limits) {
        out.println();
        out.println("| measured on the local stack | " + String.join(" | ", kills.keySet()) + " |");
        out.println("|---|" + "---|".repeat(kills.size()));
        row("SageMaker, kill -9 of stage 2 after its first job: provider jobs before the kill + after the restart "
                + "(input files)", kills, k -> String.format(Locale.ROOT, "%d + %d (%d files)%s", k.jobsBeforeKill(),
                k.jobsAfterRestart(), k.inputFiles(), k.complete() ? "" : ", outputs incomplete"));
        row("jobs whose end stage 2's log reports", kills, k -> k.jobsEndLogged() + " of " + k.jobsTotal());
        row("Bedrock at the ML Commons limit (max_batch_inference_tasks=1, 3 files): jobs, files with an output, time",
                limits, l -> String.format(Locale.ROOT, "%d jobs, %d of %d files, %d s%s", l.jobs(), l.filesWithOutput(),
                        l.inputFiles(), l.seconds(), l.complete() ? "" : " (time limit reached)"));
        row("… log lines about 429/throttling; dead-letter objects", limits,
                l -> l.throttledLines() + "; " + l.deadLetterObjects());
    }

    private <T> void row(final String what, final Map<String, T> results, final java.util.function.Function<T, String> cell) {
        out.println("| " + what + " | " + String.join(" | ", results.values().stream().map(cell).toList()) + " |");
    }
}
