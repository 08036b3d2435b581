package dev.mlbatch.demo.chaos;

import dev.mlbatch.demo.EndToEndFlow;
import dev.mlbatch.demo.FlowDestination;
import dev.mlbatch.demo.ProjectLayout;
import dev.mlbatch.demo.Provider;
import dev.mlbatch.demo.RecordAccount;
import dev.mlbatch.demo.StageLauncher;
import dev.mlbatch.runtime.RuntimeProcess;
import dev.mlbatch.stack.JvmClasspath;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.StackEnv;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.StackLauncher;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.model.MiniLmModel;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code mlbatch bench chaos [--runs N] [--provider sagemaker|bedrock] [--seed S] [--records N]}: each run drives the
 * three local pipelines of one provider (each stage its own runtime JVM, as the demo runs them) and SIGKILLs, at
 * seeded random points, stage 1, stage 2, stage 3, the services JVM (model service, S3, gateway) and the OpenSearch
 * node, each started again at once; then counts from the outside what the kills cost. Providers alternate (SageMaker,
 * Bedrock) unless {@code --provider} names one. It kills the processes of the stack of {@code $MLBATCH_HOME} (started
 * if it is not up, and stopped at the end if it was started here). Last line:
 * {@code chaos: <runs> runs, <kills> kills, <d> duplicate jobs, <l> lost, <x> duplicated docs, <w> docs without their own vector}.
 * Exit 0 when every count after the kills is 0, 1 otherwise, 64 on a usage error.
 */
public final class ChaosBenchmark {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration LOOK = Duration.ofMillis(500);
    private static final String STAGE_HEAP = System.getenv().getOrDefault("MLBATCH_STAGE_HEAP", "768m");

    private final LocalStack stack;
    private final StackHome home;
    private final ProjectLayout layout;
    private final PrintStream out;
    private final MiniLmModel model = new MiniLmModel();

    private ChaosBenchmark(final LocalStack stack, final StackHome home, final ProjectLayout layout, final PrintStream out) {
        this.stack = stack;
        this.home = home;
        this.layout = layout;
        this.out = out;
    }

    /** The arguments: {@code --runs N --provider P --seed S --records N}. */
    record Options(int runs, Provider provider, long seed, int records) {
        static Options parse(final String[] args) {
            int runs = 4;
            Provider provider = null;
            long seed = System.currentTimeMillis() % 100_000;
            int records = 1000;
            for (int i = 0; i < args.length; i++) {
                final String name = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value; usage: bench chaos [--runs N] [--provider sagemaker|bedrock] [--seed S] [--records N]");
                }
                final String value = args[++i];
                try {
                    switch (name) {
                        case "--runs" -> runs = Integer.parseInt(value);
                        case "--seed" -> seed = Long.parseLong(value);
                        case "--records" -> records = Integer.parseInt(value);
                        case "--provider" -> provider = Provider.parse(value);
                        default -> throw new IllegalArgumentException("unknown option " + name
                                + "; usage: bench chaos [--runs N] [--provider sagemaker|bedrock] [--seed S] [--records N]");
                    }
                } catch (final NumberFormatException e) {
                    throw new IllegalArgumentException(name + " takes a number, not '" + value + "'");
                }
            }
            if (runs < 1) {
                throw new IllegalArgumentException("--runs must be at least 1, not " + runs);
            }
            if (provider != null && provider != Provider.SAGEMAKER && provider != Provider.BEDROCK) {
                throw new IllegalArgumentException("--provider takes sagemaker or bedrock, not " + provider);
            }
            final String problem = Provider.BEDROCK.recordCountProblem(records);
            if (problem != null && provider != Provider.SAGEMAKER) {
                throw new IllegalArgumentException("--records " + records + ": " + problem);
            }
            if (records < 1 || records > 10_000) {
                throw new IllegalArgumentException("--records must be between 1 and 10000, not " + records);
            }
            return new Options(runs, provider, seed, records);
        }

        Provider providerOf(final int run) {
            return provider != null ? provider : run % 2 == 1 ? Provider.SAGEMAKER : Provider.BEDROCK;
        }
    }

    /** What one run counted. */
    record RunResult(int kills, FlowAudit audit) {
    }

    public static void main(final String[] args) throws Exception {
        final Options options = Options.parse(args);
        final StackHome home = StackHome.locate();
        final StackLauncher launcher = new StackLauncher(home);
        final boolean wasUp = StackEnv.read(home.envFile()).filter(launcher::isOwnHealthy).isPresent();
        final PrintStream out = System.out;
        out.printf(Locale.ROOT, "chaos benchmark: %d runs of %d records, seed %d; kills and restarts the processes of the stack in %s%n",
                options.runs(), options.records(), options.seed(), home.root());
        final LocalStack stack = LocalStack.startOrReuse();
        stack.resetModelService();
        int kills = 0;
        long duplicateJobs = 0;
        long lost = 0;
        long duplicatedDocs = 0;
        long withoutVector = 0;
        try {
            final ChaosBenchmark bench = new ChaosBenchmark(stack, home, ProjectLayout.locate(), out);
            for (int run = 1; run <= options.runs(); run++) {
                final Provider provider = options.providerOf(run);
                final KillSchedule schedule = KillSchedule.draw(options.seed() + run);
                final RunResult result = bench.run(run, options.runs(), provider, options.records(), schedule);
                kills += result.kills();
                duplicateJobs += result.audit().duplicateJobs();
                lost += result.audit().lost();
                duplicatedDocs += result.audit().duplicatedDocs();
                withoutVector += result.audit().withoutOwnVector();
            }
        } finally {
            if (!wasUp) {
                launcher.down(out);
            }
        }
        out.printf(Locale.ROOT, "chaos: %d runs, %d kills, %d duplicate jobs, %d lost, %d duplicated docs, %d docs without their own vector%n",
                options.runs(), kills, duplicateJobs, lost, duplicatedDocs, withoutVector);
        System.exit(duplicateJobs + lost + duplicatedDocs + withoutVector == 0 ? 0 : 1);
    }

    private RunResult run(final int run, final int runs, final Provider provider, final int records,
                          final KillSchedule schedule) throws Exception {
        final String name = String.format(Locale.ROOT, "run %d/%d %s", run, runs, provider);
        out.printf(Locale.ROOT, "=== %s, %s%n", name, schedule.describe());
        final Instant t0 = Instant.now();
        final FlowDestination destination = FlowDestination.demo(stack, provider);
        final StageRecorder stages = new StageRecorder(StageLauncher.runtime(JvmClasspath.forPipelines(), STAGE_HEAP,
                Map.of("MLBATCH_HOME", home.root().toString(), EndToEndFlow.INDEX_ENV, destination.index(),
                        EndToEndFlow.BUCKET_ENV, destination.bucket())));
        final StackKiller killer = new StackKiller(home);
        int kills = 0;
        try (EndToEndFlow flow = new EndToEndFlow(stack, provider, destination, layout.localPipelines(),
                home.root().resolve("chaos").resolve(provider.id()), stages, out);
             S3Client s3 = stack.newS3Client()) {
            // A raw object name of this run only: its input files, and so its job names, are new.
            flow.rawObjectName("chaos-" + schedule.seed() + "-" + System.currentTimeMillis() + ".jsonl");
            flow.reset();
            final Instant since = Instant.now().minusSeconds(1);
            flow.load(layout.corpus(), records);
            kills += prepareWithKill(flow, stages, schedule.stage1Seconds());
            final ProviderJobLog jobs = new ProviderJobLog(stack, provider, destination, s3, since);
            kills += triggerAndIngestWithKills(flow, jobs, killer, schedule.kills());
            final RecordAccount account = flow.account();
            final FlowAudit audit = FlowAudit.of(jobs, account, new OpenSearchHttp(stack.openSearchUrl()), destination.index(),
                    flow.loadedIds(), model);
            account.print(out);
            out.printf(Locale.ROOT, "%s: %d kills, provider %s, %d documents; %d duplicate jobs, %d lost, %d duplicated docs, "
                            + "%d docs without their own vector (%.1f s)%n", name, kills, jobs.describe(), audit.documents(),
                    audit.duplicateJobs(), audit.lost(), audit.duplicatedDocs(), audit.withoutOwnVector(),
                    Duration.between(t0, Instant.now()).toMillis() / 1000.0);
            return new RunResult(kills, audit);
        }
    }

    /** Stage 1, SIGKILLed {@code seconds} after its JVM was started, then started again until its scan is done. */
    private int prepareWithKill(final EndToEndFlow flow, final StageRecorder stages, final double seconds) throws Exception {
        final boolean[] killed = {false};
        final Thread killerThread = new Thread(() -> {
            try {
                final RuntimeProcess stage = stages.awaitStarted(EndToEndFlow.PREPARE);
                Thread.sleep(Math.max(0, (long) (seconds * 1000) - stages.ageMillis(EndToEndFlow.PREPARE)));
                if (stage.isAlive()) {
                    stage.kill();
                    killed[0] = true;
                    out.printf(Locale.ROOT, "  kill -9 stage 1 (pid %d) at %.1f s%n", stage.pid(), seconds);
                } else {
                    out.printf(Locale.ROOT, "  stage 1 had ended before its kill point (%.1f s): not killed%n", seconds);
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "chaos-stage-1-kill");
        killerThread.start();
        try {
            flow.prepare();
        } catch (final IllegalStateException e) {
            killerThread.join();
            if (!killed[0]) {
                throw e;
            }
            out.println("  stage 1 started again");
            flow.prepare();
        }
        killerThread.join();
        return killed[0] ? 1 : 0;
    }

    /**
     * Stages 2 and 3 side by side until every provider job has ended and every record is accounted for, with the
     * kills done as their points come; a point after the work was done is not killed.
     */
    private int triggerAndIngestWithKills(final EndToEndFlow flow, final ProviderJobLog jobs, final StackKiller killer,
                                          final List<KillSchedule.Kill> plan) throws Exception {
        final List<KillSchedule.Kill> pending = new ArrayList<>(plan);
        RuntimeProcess trigger = flow.start(EndToEndFlow.TRIGGER);
        RuntimeProcess ingest = flow.start(EndToEndFlow.INGEST);
        final Instant t0 = Instant.now();
        int kills = 0;
        int settled = 0;
        try {
            while (settled < 3) {
                final double elapsed = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
                if (Duration.between(t0, Instant.now()).compareTo(RUN_TIMEOUT) > 0) {
                    out.printf(Locale.ROOT, "  not every record accounted for after %s: giving up this run (see %s, %s)%n",
                            RUN_TIMEOUT, trigger.log(), ingest.log());
                    break;
                }
                while (!pending.isEmpty() && pending.get(0).seconds() <= elapsed) {
                    final KillSchedule.Kill kill = pending.remove(0);
                    jobs.look(); // what the provider holds, before a kill of the model service can make it forget
                    print(t0, "reached: provider " + jobs.describe() + ", " + documentsWithVector(flow) + " documents with a vector");
                    switch (kill.target()) {
                        case STAGE_2 -> {
                            trigger.kill();
                            print(t0, "kill -9 stage 2 (pid " + trigger.pid() + "), started again");
                            trigger.close();
                            trigger = flow.start(EndToEndFlow.TRIGGER);
                        }
                        case STAGE_3 -> {
                            ingest.kill();
                            print(t0, "kill -9 stage 3 (pid " + ingest.pid() + "), started again");
                            ingest.close();
                            ingest = flow.start(EndToEndFlow.INGEST);
                        }
                        case MODEL_SERVICE -> {
                            final long pid = killer.killServices();
                            print(t0, "kill -9 services JVM (pid " + pid + "; model service, S3 and gateway with it)");
                            print(t0, String.format(Locale.ROOT, "services JVM started again (stack up, %.1f s)",
                                    killer.restart().toMillis() / 1000.0));
                        }
                        case OPENSEARCH -> {
                            final long pid = killer.killOpenSearch();
                            print(t0, "kill -9 OpenSearch (pid " + pid + ")");
                            print(t0, String.format(Locale.ROOT, "OpenSearch started again on its data folder (stack up, %.1f s)",
                                    killer.restart().toMillis() / 1000.0));
                        }
                        default -> throw new IllegalStateException("stage 1 is killed before stages 2 and 3 run");
                    }
                    kills++;
                }
                trigger = restartIfDead(flow, trigger, EndToEndFlow.TRIGGER, t0);
                ingest = restartIfDead(flow, ingest, EndToEndFlow.INGEST, t0);
                final boolean answered = jobs.look();
                boolean done;
                try {
                    done = answered && jobs.currentAllEnded() && flow.account().balanced();
                } catch (final RuntimeException notNow) {
                    done = false; // S3 or OpenSearch not answering (just restarted)
                }
                settled = done ? settled + 1 : 0;
                Thread.sleep(LOOK.toMillis());
            }
            final double at = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
            for (final KillSchedule.Kill kill : pending) {
                out.printf(Locale.ROOT, "  %s not killed: the work was done at %.1f s, before its point %.1f s%n",
                        kill.target(), at, kill.seconds());
            }
            flow.stop(trigger);
            flow.stop(ingest);
        } finally {
            trigger.close();
            ingest.close();
        }
        return kills;
    }

    /** A stage that ended without being killed is a finding: it is said, and the stage started again. */
    private RuntimeProcess restartIfDead(final EndToEndFlow flow, final RuntimeProcess stage, final String name,
                                         final Instant t0) throws Exception {
        if (stage.isAlive()) {
            return stage;
        }
        print(t0, name + " exited on its own with " + stage.exitValue() + " (see " + stage.log() + "); started again");
        stage.close();
        return flow.start(name);
    }

    /** For the line before a kill: how far the flow had got (unknown while OpenSearch is down). */
    private static String documentsWithVector(final EndToEndFlow flow) {
        try {
            return Long.toString(flow.observer().documentsWithVector());
        } catch (final RuntimeException e) {
            return "?";
        }
    }

    private void print(final Instant t0, final String line) {
        out.printf(Locale.ROOT, "  [%5.1f s] %s%n", Duration.between(t0, Instant.now()).toMillis() / 1000.0, line);
    }

    /** The runtime launcher, remembering the last process started for each stage (to kill it) and when. */
    private static final class StageRecorder implements StageLauncher {
        private final StageLauncher delegate;
        private final Map<String, RuntimeProcess> last = new ConcurrentHashMap<>();
        private final Map<String, Long> startedAt = new ConcurrentHashMap<>();

        StageRecorder(final StageLauncher delegate) {
            this.delegate = delegate;
        }

        @Override
        public RuntimeProcess start(final String stage, final Path pipeline, final Path workDir, final boolean exitWhenDone)
                throws java.io.IOException {
            final RuntimeProcess process = delegate.start(stage, pipeline, workDir, exitWhenDone);
            startedAt.put(stage, System.nanoTime());
            last.put(stage, process);
            synchronized (this) {
                notifyAll();
            }
            return process;
        }

        synchronized RuntimeProcess awaitStarted(final String stage) throws InterruptedException {
            while (!last.containsKey(stage)) {
                wait(100);
            }
            return last.get(stage);
        }

        long ageMillis(final String stage) {
            return (System.nanoTime() - startedAt.get(stage)) / 1_000_000;
        }
    }
}
