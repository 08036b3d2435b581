package dev.mlbatch.demo;

import dev.mlbatch.stack.JvmClasspath;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.StackLauncher;
import dev.mlbatch.stack.ml.OpenSearchHttp;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * {@code mlbatch demo [--records N] [--provider sagemaker|bedrock|bedrock-builtin|openai|cohere] [--keep-stack]}: starts the local stack, creates
 * the connectors and models, loads N corpus records, runs the three pipelines until every job has ended and every
 * record is indexed, runs the example searches and the held-out questions, prints a summary and stops the stack.
 * Exits 1 if any record did not make it into the index.
 */
public final class DemoMain {

    static final int EXIT_INCOMPLETE = 1;
    static final int EXIT_USAGE = 64;
    private static final String USAGE = "usage: mlbatch demo [--records N] [--provider sagemaker|bedrock|bedrock-builtin|openai|cohere] [--keep-stack]";

    private DemoMain() {
    }

    public static void main(final String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    static int run(final String[] args, final PrintStream out) throws Exception {
        int records = 2000;
        Provider provider = Provider.SAGEMAKER;
        boolean keepStack = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--records" -> records = Integer.parseInt(value(args, ++i, "--records"));
                    case "--provider" -> provider = Provider.parse(value(args, ++i, "--provider"));
                    case "--keep-stack" -> keepStack = true;
                    default -> throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
                }
            }
            if (records < 1) {
                throw new IllegalArgumentException("--records must be at least 1");
            }
            final String problem = provider.recordCountProblem(records);
            if (problem != null) {
                throw new IllegalArgumentException("--records " + records + ": " + problem);
            }
        } catch (final IllegalArgumentException e) {
            System.err.println("mlbatch demo: " + e.getMessage());
            System.err.println(USAGE);
            return EXIT_USAGE;
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

    private static String value(final String[] args, final int i, final String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
