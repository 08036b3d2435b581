package dev.mlbatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlbatch.runtime.cli.CommandLineParse;
import dev.mlbatch.stack.StackEnv;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.StackLauncher;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code mlbatch search INDEX "query text" [-k 10] [--provider sagemaker|bedrock|bedrock-builtin|openai|cohere]}: the {@code k} nearest documents
 * of an index on the running local stack to the query, which ML Commons embeds with the provider's real-time model,
 * asked the way every search of the project asks ({@link ExampleSearches#neural}). Prints one line per hit: rank,
 * score, id, text abbreviated. Exits 64 on a usage error or an index that does not exist, 1 when the stack is down or the search fails.
 */
public final class SearchMain {

    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = CommandLineParse.EXIT_USAGE;
    /** OpenSearch's default index.max_result_window. */
    static final int MAX_K = 10_000;
    static final int TEXT_WIDTH = 100;

    /** What the command line asks for. */
    record Options(String index, String query, int k, Provider provider) {
    }

    private SearchMain() {
    }

    public static void main(final String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The command line of {@code mlbatch search}, as picocli reads it; {@link #options} checks it. */
    @Command(name = "mlbatch search", separator = " ", synopsisHeading = "usage: ",
            customSynopsis = "mlbatch search INDEX \"query text\" [-k 10]%n"
                    + "                      [--provider sagemaker|bedrock|bedrock-builtin|openai|cohere]%n",
            description = {"The k nearest documents of an index on the running local stack to the query (a neural query: ML "
                    + "Commons embeds the text with the provider's real-time model). One line per hit: rank, score, id, text.",
                    "Exit codes: 0 searched, 1 the stack is down or the search failed, 64 a usage error or no such index."})
    static final class Arguments {
        @Mixin
        CommandLineParse.Help help;

        @Parameters(paramLabel = "INDEX \"query text\"", arity = "0..*", hideParamSyntax = true, description = "the index, then the query (quote it)")
        List<String> positional = new ArrayList<>();

        @Option(names = {"-k", "--k"}, paramLabel = "K", description = "how many hits, 1 to " + MAX_K + " (default: 10)")
        int k = 10;

        @Option(names = "--provider", paramLabel = "NAME", converter = ProviderConverter.class,
                description = "whose real-time model embeds the query: sagemaker, bedrock, bedrock-builtin, openai or cohere"
                        + " (default: sagemaker)")
        Provider provider = Provider.SAGEMAKER;
    }

    /** The options {@code args} ask for; picocli's ParameterException or an IllegalArgumentException naming what is wrong. */
    static Options parse(final String[] args) {
        final Arguments arguments = new Arguments();
        CommandLineParse.of(arguments).parseArgs(args);
        return options(arguments);
    }

    private static Options options(final Arguments arguments) {
        final List<String> positional = arguments.positional;
        final int k = arguments.k;
        final Provider provider = arguments.provider;
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("-k must be between 1 and " + MAX_K + ", not " + k);
        }
        if (positional.size() != 2) {
            throw new IllegalArgumentException(positional.isEmpty() ? "INDEX and the query text are missing"
                    : positional.size() == 1 ? "the query text is missing (quote it: \"query text\")"
                    : "too many arguments " + positional + " (quote the query text: \"query text\")");
        }
        if (!positional.get(0).matches("[^\\s/\\\\?#*,\"<>|:]+")) {
            throw new IllegalArgumentException("'" + positional.get(0) + "' is not an index name");
        }
        if (positional.get(1).isBlank()) {
            throw new IllegalArgumentException("the query text is empty");
        }
        return new Options(positional.get(0), positional.get(1), k, provider);
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) {
        final Arguments arguments = new Arguments();
        final CommandLine commandLine = CommandLineParse.of(arguments);
        final OptionalInt parsed = CommandLineParse.parse(commandLine, args, out, err);
        if (parsed.isPresent()) {
            return parsed.getAsInt();
        }
        final Options options;
        try {
            options = options(arguments);
        } catch (final IllegalArgumentException e) {
            return CommandLineParse.usageError(commandLine, e.getMessage(), err);
        }
        final StackHome home = StackHome.locate();
        final Optional<StackEnv> env = StackEnv.read(home.envFile()).filter(new StackLauncher(home)::isOwnHealthy);
        if (env.isEmpty()) {
            err.println("mlbatch search: the local stack (" + home.root() + ") is not running; start it with ./mlbatch stack up");
            return EXIT_FAILED;
        }
        final OpenSearchHttp openSearch = new OpenSearchHttp(env.get().get(StackEnv.OPENSEARCH_URL));
        final OpenSearchHttp.Answer exists = openSearch.get("/" + options.index() + "/_count");
        if (exists.status() == 404 || exists.status() == 400) {
            err.println("mlbatch search: there is no index '" + options.index() + "' at " + openSearch.baseUrl()
                    + existingIndexes(openSearch));
            return EXIT_USAGE;
        }
        final long documents = exists.orThrow("counting " + options.index()).path("count").asLong();
        final String modelId = env.get().get(options.provider().realtimeModelKey());
        if (modelId == null) {
            err.println("mlbatch search: the stack's env file has no " + options.provider().realtimeModelKey() + "; run ./mlbatch setup");
            return EXIT_FAILED;
        }
        final Instant t0 = Instant.now();
        final List<ExampleSearches.Hit> hits;
        try {
            hits = new ExampleSearches(openSearch, options.index(), modelId).neural(options.query(), options.k());
        } catch (final IllegalStateException e) {
            // OpenSearch's answer, e.g. an index without a text_embedding vector field, or the model not deployed.
            err.println("mlbatch search: " + e.getMessage());
            return EXIT_FAILED;
        }
        out.printf(Locale.ROOT, "%d hits for \"%s\" in %s (%d documents; neural, k = %d, %s real-time model; %d ms)%n",
                hits.size(), options.query(), options.index(), documents, options.k(), options.provider(),
                Duration.between(t0, Instant.now()).toMillis());
        int rank = 0;
        for (final ExampleSearches.Hit hit : hits) {
            out.printf(Locale.ROOT, "%3d  %.4f  %s  %s%n", ++rank, hit.score(), hit.id(), abbreviate(hit.text(), TEXT_WIDTH));
        }
        return 0;
    }

    /** ", whose indexes are: a, b" (the ones not hidden), or "" when there are none or they cannot be listed. */
    private static String existingIndexes(final OpenSearchHttp openSearch) {
        final OpenSearchHttp.Answer answer = openSearch.get("/_cat/indices?format=json&h=index&s=index");
        if (!answer.ok()) {
            return "";
        }
        final List<String> names = new ArrayList<>();
        for (final JsonNode row : answer.body()) {
            final String name = row.path("index").asText();
            if (!name.startsWith(".") && !name.startsWith("top_queries")) {
                names.add(name);
            }
        }
        return names.isEmpty() ? " (it holds no index)" : "; its indexes: " + String.join(", ", names);
    }

    /** One line: white space runs made one space, cut at {@code max} characters. */
    static String abbreviate(final String text, final int max) {
        final String line = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        return line.length() <= max ? line : line.substring(0, max - 1) + "…";
    }
}
