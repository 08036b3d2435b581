package dev.mlbatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.runtime.cli.CommandLineParse;
import dev.mlbatch.stack.JvmClasspath;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.StackEnv;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.StackLauncher;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * {@code mlbatch index FILE [--index NAME] [--provider sagemaker|bedrock|bedrock-builtin|openai|cohere] [--text-field text] [--id-field _id]
 * [--keep-stack]}: a user's own corpus (JSON lines, or CSV with a header row) through the three local pipelines into
 * a named index, the way the demo runs them. Bad records are named with file and line, counted, and kept out of the
 * upload; the summary accounts for every record of the file. Exits 0 when every good record is indexed with its
 * vector, 1 when not, 64 on a usage or input error (no such file, no good record, a bad index name).
 */
public final class IndexMain {

    static final int EXIT_INCOMPLETE = 1;
    static final int EXIT_USAGE = CommandLineParse.EXIT_USAGE;
    /** Bad records printed on the console; all of them go to the bad-records file. */
    static final int PRINTED_PROBLEMS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the command line asks for. */
    record Options(Path file, String index, Provider provider, CorpusFile.Fields fields, boolean keepStack) {
    }

    private IndexMain() {
    }

    public static void main(final String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    /** The command line of {@code mlbatch index}, as picocli reads it; {@link #options} checks it. */
    @Command(name = "mlbatch index", separator = " ", synopsisHeading = "usage: ",
            customSynopsis = "mlbatch index FILE [--index NAME] [--provider sagemaker|bedrock|bedrock-builtin|openai|cohere]%n"
                    + "                     [--text-field text] [--id-field _id] [--keep-stack]%n",
            description = {"Your own corpus (JSON lines, or CSV with a header row when FILE ends in .csv) through the three local "
                    + "stages into an index. Bad records are named with file and line and left out; the stack is started if "
                    + "needed and stopped at the end only when this command started it.",
                    "Exit codes: 0 every good record indexed with its vector, 1 not, 64 a usage or input error."})
    static final class Arguments {
        @Mixin
        CommandLineParse.Help help;

        @Parameters(arity = "0..1", paramLabel = "FILE", hideParamSyntax = true, description = "JSON lines, or CSV with a header row (*.csv)")
        Path file;

        @Option(names = "--index", paramLabel = "NAME",
                description = "the index to (re)create (default: the file's name without its extension, lowercased)")
        String index;

        @Option(names = "--provider", paramLabel = "NAME", converter = ProviderConverter.class,
                description = "sagemaker, bedrock, bedrock-builtin, openai or cohere (default: sagemaker)")
        Provider provider = Provider.SAGEMAKER;

        @Option(names = "--text-field", paramLabel = "FIELD", description = "the field with the text to embed (default: text)")
        String textField = "text";

        @Option(names = "--id-field", paramLabel = "FIELD", description = "the field with the record's id (default: _id)")
        String idField = "_id";

        @Option(names = "--keep-stack", description = "leave the stack running at the end if this command started it")
        boolean keepStack;
    }

    /** The options {@code args} ask for; picocli's ParameterException or an IllegalArgumentException naming what is wrong. */
    static Options parse(final String[] args) {
        final Arguments arguments = new Arguments();
        CommandLineParse.of(arguments).parseArgs(args);
        return options(arguments);
    }

    private static Options options(final Arguments arguments) {
        final Path file = arguments.file;
        String index = arguments.index;
        final Provider provider = arguments.provider;
        final String textField = arguments.textField;
        final String idField = arguments.idField;
        final boolean keepStack = arguments.keepStack;
        if (file == null) {
            throw new IllegalArgumentException("FILE is missing");
        }
        if (textField.isEmpty() || idField.isEmpty() || textField.equals(idField)) {
            throw new IllegalArgumentException("--text-field and --id-field must be two different, non-empty field names");
        }
        if (index == null) {
            index = FlowDestination.indexNameFor(file.getFileName().toString());
            if (index == null) {
                throw new IllegalArgumentException("no index name can be made from the file name '" + file.getFileName()
                        + "'; give one with --index NAME");
            }
        }
        final String problem = FlowDestination.indexNameProblem(index);
        if (problem != null) {
            throw new IllegalArgumentException("--index '" + index + "': " + problem);
        }
        return new Options(file, index, provider, new CorpusFile.Fields(idField, textField), keepStack);
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) throws Exception {
        final Instant t0 = Instant.now();
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
        final CorpusFile corpus;
        try {
            corpus = CorpusFile.read(options.file(), options.fields(), options.provider());
        } catch (final NoSuchFileException e) {
            err.println("mlbatch index: " + options.file() + ": " + (e.getReason() == null ? "no such file" : e.getReason()));
            return EXIT_USAGE;
        }
        final Provider provider = options.provider();
        final String index = options.index();
        out.printf(Locale.ROOT, "mlbatch index: %s: %d records (%d good, %d bad%s), provider %s, index %s%n", options.file(),
                corpus.recordsIn(), corpus.records().size(), corpus.problems().size(),
                corpus.blankLines() == 0 ? "" : ", " + corpus.blankLines() + (corpus.blankLines() == 1 ? " blank line" : " blank lines") + " skipped", provider, index);
        final StackHome home = StackHome.locate();
        final Path base = home.root().resolve("index").resolve(index);
        printProblems(corpus.problems(), base.resolve("bad-records-" + provider.id() + ".txt"), out);
        if (corpus.records().isEmpty()) {
            err.println("mlbatch index: " + options.file() + ": no good record to index");
            return EXIT_USAGE;
        }
        final String countProblem = provider.recordCountProblem(corpus.records().size());
        if (countProblem != null) {
            err.println("mlbatch index: " + options.file() + " has " + corpus.records().size() + " good records: " + countProblem);
            return EXIT_USAGE;
        }

        final StackLauncher launcher = new StackLauncher(home);
        final boolean wasRunning = StackEnv.read(home.envFile()).filter(launcher::isOwnHealthy).isPresent();
        out.println(wasRunning ? "using the running local stack" : "starting the local stack and creating the connectors and models");
        final LocalStack stack = LocalStack.startOrReuse();
        try {
            final FlowDestination destination = FlowDestination.ownBucket(index);
            replacingNotice(stack, index, out);
            final FlowSummary summary;
            final List<IndexingFailures.Failure> notIndexed;
            try (EndToEndFlow flow = new EndToEndFlow(stack, provider, destination, ProjectLayout.locate().localPipelines(),
                    base.resolve(provider.id()), JvmClasspath.forPipelines(), home.root(), out)) {
                // A raw object name of its own per run: fresh provider jobs, never ones an earlier run of the same
                // file left in ML Commons.
                flow.rawObjectName(index + "-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC)
                        .format(t0) + ".jsonl");
                summary = flow.runAccounted(corpus.jsonLines());
                notIndexed = flow.indexingFailures();
            }
            summary.print(out);
            final long laterRejections = printPipelineRejections(stack, destination, provider, corpus, out);
            if (!notIndexed.isEmpty()) {
                out.printf(Locale.ROOT, "records stage 3 could not index (%d; see %s):%n", notIndexed.size(),
                        base.resolve(provider.id()).resolve(EndToEndFlow.INGEST + ".log"));
                for (final IndexingFailures.Failure failure : notIndexed) {
                    final Long at = corpus.lineOf(failure.id());
                    out.printf(Locale.ROOT, "  %s: not indexed: %s %s%n", at == null ? corpus.file() : corpus.file() + ":" + at,
                            failure.status(), failure.reason());
                }
            }
            final RecordAccount account = summary.account();
            final long rejected = corpus.problems().size() + account.rejected();
            final long unaccounted = corpus.recordsIn() - account.indexed() - rejected - account.deadLettered()
                    - account.keptByStage3() - notIndexed.size();
            out.printf(Locale.ROOT, "%s: records in %d = indexed %d + rejected %d (%d before upload, %d by the pipelines)"
                            + " + dead-lettered %d%s%s%s%n", options.file(), corpus.recordsIn(), account.indexed(), rejected,
                    corpus.problems().size(), laterRejections, account.deadLettered(),
                    account.keptByStage3() == 0 ? "" : " + kept in " + provider.prefix() + "failed/ " + account.keptByStage3(),
                    notIndexed.isEmpty() ? "" : " + not indexed " + notIndexed.size(),
                    unaccounted == 0 ? "" : "   <-- " + unaccounted + " unaccounted");
            out.printf(Locale.ROOT, "index wall time %.1f s%s%n", Duration.between(t0, Instant.now()).toMillis() / 1000.0,
                    wasRunning ? "" : " (stack start included)");
            if (!account.balanced() || account.indexed() != corpus.records().size()) {
                out.printf(Locale.ROOT, "INCOMPLETE: %d good records, %d documents with a vector in %s%n",
                        corpus.records().size(), account.indexed(), index);
                return EXIT_INCOMPLETE;
            }
            out.printf("search it: ./mlbatch search %s \"your question\"%s%n", index,
                    provider == Provider.SAGEMAKER ? "" : " --provider " + provider);
            return 0;
        } finally {
            if (wasRunning || options.keepStack()) {
                out.println("the stack keeps running" + (wasRunning ? " (it was running before)" : " (--keep-stack)")
                        + "; stop it with ./mlbatch stack down");
            } else {
                launcher.down(out);
            }
        }
    }

    /** Prints the first bad records and writes all of them, one per line, to {@code file}. */
    private static void printProblems(final List<CorpusFile.Problem> problems, final Path file, final PrintStream out)
            throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, problems.stream().map(CorpusFile.Problem::toString).toList(), StandardCharsets.UTF_8);
        if (problems.isEmpty()) {
            return;
        }
        out.printf(Locale.ROOT, "bad records, not uploaded (all %d in %s):%n", problems.size(), file);
        problems.stream().limit(PRINTED_PROBLEMS).forEach(p -> out.println("  " + p));
        if (problems.size() > PRINTED_PROBLEMS) {
            out.printf(Locale.ROOT, "  ... and %d more%n", problems.size() - PRINTED_PROBLEMS);
        }
    }

    private static void replacingNotice(final LocalStack stack, final String index, final PrintStream out) {
        final OpenSearchHttp.Answer count = new OpenSearchHttp(stack.openSearchUrl()).get("/" + index + "/_count");
        if (count.ok()) {
            out.printf(Locale.ROOT, "index %s exists (%d documents): replacing it%n", index, count.body().path("count").asLong());
        }
    }

    /**
     * Names, with file and line, each record the pipelines turned away after the upload (the flow's
     * {@code <provider>/rejected/} objects, each with its {@code rejection_reason}); returns how many.
     */
    private static long printPipelineRejections(final LocalStack stack, final FlowDestination destination,
                                                final Provider provider, final CorpusFile corpus, final PrintStream out) {
        final List<String> lines = new ArrayList<>();
        try (S3Client s3 = stack.newS3Client()) {
            for (final S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(destination.bucket()).prefix(provider.prefix() + "rejected/")).contents()) {
                final String body = s3.getObject(r -> r.bucket(destination.bucket()).key(o.key()), ResponseTransformer.toBytes()).asUtf8String();
                for (final String line : body.split("\n")) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode record;
                    try {
                        record = JSON.readTree(line);
                    } catch (final IOException e) {
                        record = JSON.createObjectNode();
                    }
                    final String id = record.path("_id").isValueNode() ? record.path("_id").asText()
                            : record.path("recordId").asText(null);
                    final Long at = id == null ? null : corpus.lineOf(id);
                    lines.add((at == null ? corpus.file().toString() : corpus.file() + ":" + at) + ": "
                            + record.path("rejection_reason").asText("rejected without a reason") + " (s3://"
                            + destination.bucket() + "/" + o.key() + ")");
                }
            }
        }
        if (!lines.isEmpty()) {
            out.printf(Locale.ROOT, "records the pipelines rejected (%d):%n", lines.size());
            lines.forEach(line -> out.println("  " + line));
        }
        return lines.size();
    }
}
