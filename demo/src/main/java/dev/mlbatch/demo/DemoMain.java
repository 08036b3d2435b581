package dev.mlbatch.demo;

import dev.mlbatch.runtime.cli.CommandLineParse;
import dev.mlbatch.stack.JvmClasspath;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.StackLauncher;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * {@code mlbatch demo [--records N] [--provider sagemaker|bedrock|bedrock-builtin|openai|cohere] [--keep-stack]}: starts the local stack, creates
 * the connectors and models, loads N corpus records, runs the three pipelines until every job has ended and every
 * record is indexed, runs the example searches and the held-out questions, prints a summary and stops the stack.
 * Exits 1 if any record did not make it into the index.
 */
public final class DemoMain {

    static final int EXIT_INCOMPLETE = 1;
    static final int EXIT_USAGE = CommandLineParse.EXIT_USAGE;

    /** The command line of {@code mlbatch demo}. */
    @Command(name = "mlbatch demo", separator = " ", synopsisHeading = "usage: ",
            customSynopsis = "mlbatch demo [--records N] [--provider sagemaker|bedrock|bedrock-builtin|openai|cohere]%n"
                    + "                    [--keep-stack]%n",
            description = {"The whole flow on the local stack: starts it, creates the connectors and models, loads N records of the "
                    + "WordNet corpus into S3, runs the three pipelines of pipelines/local/<provider>/, the example searches and "
                    + "the held-out questions, prints a summary and stops the stack.",
                    "Exit codes: 0 every record accounted for, 1 not, 64 a usage error."})
    static final class Options {
        @Mixin
        CommandLineParse.Help help;

        @Option(names = "--records", paramLabel = "N", description = "corpus records to load (default: 2000)")
        int records = 2000;

        @Option(names = "--provider", paramLabel = "NAME", converter = ProviderConverter.class,
                description = "sagemaker, bedrock, bedrock-builtin, openai or cohere (default: sagemaker)")
        Provider provider = Provider.SAGEMAKER;

        @Option(names = "--keep-stack", description = "leave the stack running at the end")
        boolean keepStack;
    }

    private DemoMain() {
    }

    public static void main(final String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    static int run(final String[] args, final PrintStream out) throws Exception {
        return run(args, out, System.err);
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) throws Exception {
        final Options options = new Options();
        final CommandLine commandLine = CommandLineParse.of(options);
        final OptionalInt parsed = CommandLineParse.parse(commandLine, args, out, err);
        if (parsed.isPresent()) {
            return parsed.getAsInt();
        }
        final int records = options.records;
        final Provider provider = options.provider;
        final boolean keepStack = options.keepStack;
        if (records < 1) {
            return CommandLineParse.usageError(commandLine, "--records must be at least 1, not " + records, err);
        }
        final String problem = provider.recordCountProblem(records);
        if (problem != null) {
            return CommandLineParse.usageError(commandLine, "--records " + records + ": " + problem, err);
        }
        final ProjectLayout layout = ProjectLayout.locate();
        final StackHome home = StackHome.locate();
        final Instant t0 = Instant.now();
        out.printf(Locale.ROOT, "mlbatch demo: %d records, provider %s%n", records, provider);
        out.println("starting the local stack and creating the connectors and models (first run: assembles OpenSearch)");
        final LocalStack stack = LocalStack.startOrReuse();
        try {
            final FlowSummary summary;
            final List<String> ids;
            try (EndToEndFlow flow = new EndToEndFlow(stack, provider, layout.localPipelines(),
                    home.root().resolve("demo").resolve(provider.id()), JvmClasspath.forPipelines(), home.root(), out)) {
                summary = flow.run(layout.corpus(), records);
                ids = flow.loadedIds();
            }
            final ExampleSearches searches = new ExampleSearches(new OpenSearchHttp(stack.openSearchUrl()), provider.index(),
                    stack.env().get(provider.realtimeModelKey()));
            searches.printAll(layout.searches(), out);
            final List<HeldOutQuestions.Answer> answers = HeldOutQuestions.read(layout.questions(), new HashSet<>(ids))
                    .ask(searches, 3);
            out.printf(Locale.ROOT, "held-out questions: %d of %d have the record that answers them in the neural top 3%n",
                    answers.stream().filter(HeldOutQuestions.Answer::expectedInTop).count(), answers.size());
            summary.print(out);
            out.printf(Locale.ROOT, "demo wall time %.1f s (stack start included)%n", Duration.between(t0, Instant.now()).toMillis() / 1000.0);
            if (!summary.complete()) {
                out.printf(Locale.ROOT, "INCOMPLETE: %d records in, %d documents with a vector in %s%n", records,
                        summary.documentsWithVector(), provider.index());
                return EXIT_INCOMPLETE;
            }
            return 0;
        } finally {
            if (keepStack) {
                out.println("the stack keeps running (--keep-stack); stop it with ./mlbatch stack down");
            } else {
                new StackLauncher(home).down(out);
            }
        }
    }
}
