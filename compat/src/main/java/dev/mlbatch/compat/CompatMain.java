package dev.mlbatch.compat;

import dev.mlbatch.demo.EndToEndFlow;
import dev.mlbatch.demo.ExampleSearches;
import dev.mlbatch.demo.FlowSummary;
import dev.mlbatch.demo.HeldOutQuestions;
import dev.mlbatch.demo.ProjectLayout;
import dev.mlbatch.demo.Provider;
import dev.mlbatch.demo.ProviderConverter;
import dev.mlbatch.runtime.cli.CommandLineParse;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * {@code mlbatch compat DATA_PREPPER_HOME [--provider sagemaker|bedrock] [--records N]}: the demo's three stages, each
 * in a real Data Prepper: a copy of {@code DATA_PREPPER_HOME} with our plugins deployed, the local pipelines rendered
 * for it. Exits 1 unless every record is indexed with its vector.
 */
public final class CompatMain {

    static final int EXIT_INCOMPLETE = 1;
    static final int EXIT_USAGE = CommandLineParse.EXIT_USAGE;
    /** The stack env keys a stage JVM gets: credentials, region and the S3 endpoint (the AWS SDK reads these). */
    private static final List<String> STAGE_ENV = List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION",
            "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_S3");
    static final String HEAP = System.getenv().getOrDefault("MLBATCH_STAGE_HEAP", "768m");

    /** The command line of {@code mlbatch compat}. */
    @Command(name = "mlbatch compat", separator = " ", synopsisHeading = "usage: ",
            customSynopsis = {"mlbatch compat DATA_PREPPER_HOME [--provider sagemaker|bedrock] [--records N]%n",
                    "       mlbatch compat DATA_PREPPER_HOME --versus-upstream%n"},
            description = {"The demo's three stages, each inside a real Data Prepper: a copy of DATA_PREPPER_HOME with our "
                    + "plugins deployed, the local pipelines rendered for it; --versus-upstream compares our plugins with "
                    + "upstream's ml_inference in that Data Prepper.",
                    "Exit codes: 0 every record indexed with its vector, 1 not, 64 a usage error (also a Data Prepper too old "
                            + "or not there)."})
    static final class Arguments {
        @Mixin
        CommandLineParse.Help help;

        @Parameters(arity = "0..1", paramLabel = "DATA_PREPPER_HOME", hideParamSyntax = true,
                description = "an unpacked Data Prepper 2.16 or later (left as it is: the run uses a copy)")
        Path source;

        @Option(names = "--provider", paramLabel = "NAME", converter = ProviderConverter.class,
                description = "sagemaker or bedrock (default: sagemaker)")
        Provider provider = Provider.SAGEMAKER;

        @Option(names = "--records", paramLabel = "N", description = "corpus records to load (default: 1000)")
        int records = 1000;

        @Option(names = "--versus-upstream", description = "compare with upstream's ml_inference instead")
        boolean versusUpstream;
    }

    private CompatMain() {
    }

    public static void main(final String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    static int run(final String[] args, final PrintStream out) throws Exception {
        return run(args, out, System.err);
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) throws Exception {
        final Arguments arguments = new Arguments();
        final CommandLine commandLine = CommandLineParse.of(arguments);
        final OptionalInt parsed = CommandLineParse.parse(commandLine, args, out, err);
        if (parsed.isPresent()) {
            return parsed.getAsInt();
        }
        final Path source = arguments.source == null ? null : arguments.source.toAbsolutePath().normalize();
        final int records = arguments.records;
        final Provider provider = arguments.provider;
        final boolean versusUpstream = arguments.versusUpstream;
        try {
            if (source == null) {
                throw new IllegalArgumentException("DATA_PREPPER_HOME is missing");
            }
            if (records < 1) {
                throw new IllegalArgumentException("--records must be at least 1, not " + records);
            }
            final String problem = provider.recordCountProblem(records);
            if (problem != null) {
                throw new IllegalArgumentException("--records " + records + ": " + problem);
            }
            // Refuse early (before the stack and the copy) what deploy would refuse.
            DataPrepperHome.inspect(source).requireApi();
        } catch (final IllegalArgumentException e) {
            return CommandLineParse.usageError(commandLine, e.getMessage(), err);
        }
        if (versusUpstream) {
            out.println("starting or reusing the local stack");
            final LocalStack stack = LocalStack.startOrReuse();
            return UpstreamComparison.run(source, stageEnv(stack.asMap()), stack, out);
        }
        final Instant t0 = Instant.now();
        final ProjectLayout layout = ProjectLayout.locate();
        final Path base = StackHome.locate().root().resolve("compat").resolve(provider.id());
        final Path copy = base.resolve("data-prepper");
        final Path pipelines = base.resolve("pipelines");
        final Path work = base.resolve("work");
        out.printf(Locale.ROOT, "mlbatch compat: %d records, provider %s, in a copy of %s%n", records, provider, source);

        out.printf(Locale.ROOT, "copying %s -> %s%n", source, copy);
        deleteTree(copy);
        copyTree(source, copy);
        new Deployment(DeployMain.bundle(), out).deploy(copy, false);

        out.println("starting or reusing the local stack");
        final LocalStack stack = LocalStack.startOrReuse();
        final Map<String, String> stackEnv = stack.asMap();
        final PipelineRenderer renderer = new PipelineRenderer(renderEnv(stackEnv, provider));
        for (final String stage : List.of(EndToEndFlow.PREPARE, EndToEndFlow.TRIGGER, EndToEndFlow.INGEST)) {
            final Path target = pipelines.resolve(provider.id()).resolve(stage + ".yaml");
            renderer.render(layout.localPipelines().resolve(provider.id()).resolve(stage + ".yaml"), target,
                    work.resolve("ml-inference-state"));
        }
        out.printf(Locale.ROOT, "rendered %s/%s/{1-prepare,2-trigger,3-ingest}.yaml (${{env:...}} substituted, absolute state_directory)%n",
                pipelines, provider.id());
        final Map<String, String> env = stageEnv(stackEnv);
        final FlowSummary summary;
        final List<String> ids;
        try (EndToEndFlow flow = new EndToEndFlow(stack, provider, pipelines, work,
                new DataPrepperLauncher(copy, env, HEAP, out), out)) {
            // A name of its own per run: fresh provider jobs even where an earlier run of the same records left its
            // (already reset) jobs in ML Commons.
            flow.rawObjectName("corpus-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                    .withZone(java.time.ZoneOffset.UTC).format(t0) + ".jsonl");
            summary = flow.run(layout.corpus(), records);
            ids = flow.loadedIds();
        }
        final ExampleSearches searches = new ExampleSearches(new OpenSearchHttp(stack.openSearchUrl()), provider.index(),
                stack.env().get(provider.realtimeModelKey()));
        final List<HeldOutQuestions.Answer> answers = HeldOutQuestions.read(layout.questions(), new HashSet<>(ids))
                .ask(searches, 3);
        out.printf(Locale.ROOT, "held-out questions: %d of %d have the record that answers them in the neural top 3%n",
                answers.stream().filter(HeldOutQuestions.Answer::expectedInTop).count(), answers.size());
        summary.print(out);
        out.printf(Locale.ROOT, "compat wall time %.1f s (copy, deploy and stack check included); Data Prepper copy kept at %s%n",
                Duration.between(t0, Instant.now()).toMillis() / 1000.0, copy);
        if (!summary.complete() || summary.account().indexed() < records) {
            out.printf(Locale.ROOT, "INCOMPLETE: %d records in, %d documents with a vector in %s%n", records,
                    summary.documentsWithVector(), provider.index());
            return EXIT_INCOMPLETE;
        }
        out.printf(Locale.ROOT, "OK: every record indexed with its vector by a real Data Prepper (%s)%n",
                DataPrepperHome.inspect(copy).apiVersion());
        return 0;
    }

    /**
     * The values the pipelines are rendered with: the stack's env file, and the demo's index for
     * {@code ${{env:MLBATCH_INDEX}}} (a real Data Prepper resolves no references, so the index is written into the file).
     */
    static Map<String, String> renderEnv(final Map<String, String> stackEnv, final Provider provider) {
        final Map<String, String> env = new LinkedHashMap<>(stackEnv);
        env.put(EndToEndFlow.INDEX_ENV, provider.index());
        return env;
    }

    /** The stack's env entries a stage JVM gets. */
    static Map<String, String> stageEnv(final Map<String, String> stackEnv) {
        final Map<String, String> env = new LinkedHashMap<>();
        for (final String key : STAGE_ENV) {
            if (stackEnv.get(key) != null) {
                env.put(key, stackEnv.get(key));
            }
        }
        return env;
    }

    static void copyTree(final Path from, final Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (final Path p : paths.toList()) {
                final Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    public static void deleteTree(final Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (final Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
