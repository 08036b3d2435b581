package dev.mlbatch.bench;

import dev.mlbatch.runtime.cli.CommandLineParse;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.OptionalInt;

/**
 * {@code mlbatch bench NAME [args]}: runs one benchmark. Each lives next to what it measures (its module owns its
 * setup and reads its own arguments); this only dispatches by name, so {@link #CATALOGUE} is the whole catalogue.
 * {@code bench --help} lists it, one line each; {@code bench NAME --help} prints that benchmark's arguments.
 */
public final class BenchMain {

    static final int EXIT_USAGE = CommandLineParse.EXIT_USAGE;

    /**
     * One benchmark: its class, its arguments (as its own main reads them), what it measures; {@code peerClass} runs
     * {@code NAME --peer DATA_PREPPER_HOME}, the same workload side by side with a real Data Prepper (or null).
     */
    record Benchmark(String name, String className, String arguments, String summary, String peerClass, String peerArguments) {
    }

    static final List<Benchmark> CATALOGUE = List.of(
            new Benchmark("runtime", "dev.mlbatch.bench.RuntimeBenchmark", "[EVENTS (default 1000000)]",
                    "events/s of file -> copy_values -> delete_entries -> file in a runtime JVM (target >= 200,000)",
                    "dev.mlbatch.bench.peer.RuntimeVsPeer", "[--rounds N] [EVENTS (default 1000000)]"),
            new Benchmark("expression", "dev.mlbatch.bench.expression.ExpressionBenchmark", "[SECONDS per statement (default 2)]",
                    "Data Prepper expression evaluations/s on one thread (target >= 1,000,000)", null, null),
            new Benchmark("scan", "dev.mlbatch.bench.scan.ScanBenchmark",
                    "[--objects N] [--big-mb M (0: no big object)] [--source-workers W]%n"
                            + "       mlbatch bench scan [OBJECTS] [BIG_MB] [SOURCE_WORKERS]",
                    "the s3 source's metadata_only scan against a bare ListObjectsV2 pagination, and a big object read in a small heap"
                            + " (target >= 0.9)",
                    "dev.mlbatch.bench.peer.ScanVsPeer", "[--rounds N] [OBJECTS (default 10000)]"),
            new Benchmark("sink", "dev.mlbatch.bench.sink.SinkBenchmark", "[--url URL] [--docs N] [--bulk-size-mib M] [--batch B] [--rounds R]",
                    "the opensearch sink against a direct opensearch-java bulk load of 384-float documents (target >= 0.95)",
                    "dev.mlbatch.bench.peer.SinkVsPeer", "[--rounds N] [DOCUMENTS (default 20000)]"),
            new Benchmark("jobs", "dev.mlbatch.bench.jobs.JobsBenchmark", "[RECORDS_PER_OBJECT (default 500)] [JOB_POLL_INTERVAL (default 200ms)]",
                    "ml_inference's makespan with max_batch_inference_tasks=2 against the ideal (target <= 1.15)", null, null),
            new Benchmark("ledger", "dev.mlbatch.bench.ledger.LedgerBenchmark", "[--jobs N (default 100000)]",
                    "ml_inference's start on a ledger of N finished jobs, and replays that create no job (target <= 2 s, 0)", null, null),
            new Benchmark("model", "dev.mlbatch.stack.bench.ModelBenchmark", "[RECORDS (default 10000)]",
                    "the model service's batch throughput against calling MiniLM directly (target >= 0.9)", null, null),
            new Benchmark("e2e", "dev.mlbatch.demo.bench.EndToEndBenchmark", "[RECORDS (default 10000)]",
                    "the three stages end to end against the model service's bare rate (target >= 0.85 on a freshly started stack)", null, null),
            new Benchmark("quality", "dev.mlbatch.demo.quality.QualityBenchmark",
                    "[--corpus FILE --questions FILE] [--records N] [--provider sagemaker|bedrock|bedrock-builtin|openai|cohere]",
                    "neural search's top-3 against exact search on the shipped corpora (target >= 0.99)", null, null),
            new Benchmark("chaos", "dev.mlbatch.demo.chaos.ChaosBenchmark", "[--runs N] [--provider sagemaker|bedrock] [--seed S] [--records N]",
                    "the three stages with kill -9 of stages, model service and OpenSearch: duplicate jobs, lost and duplicated"
                            + " documents (target: all 0)", null, null));

    private BenchMain() {
    }

    public static void main(final String[] args) throws Throwable {
        System.exit(run(args, System.out, System.err));
    }

    /** The command line of {@code mlbatch bench}: one subcommand per benchmark, its arguments passed on as they are. */
    static CommandLine commandLine() {
        final CommandSpec bench = CommandSpec.create().name("mlbatch bench");
        bench.usageMessage().synopsisHeading("usage: ").customSynopsis("mlbatch bench NAME [args]   (mlbatch bench NAME --help: its args)%n")
                .description("Runs one benchmark; each prints its figures and ends with one line 'NAME: figure (target ...)'.",
                        "Exit codes: what the benchmark returns (0 done, 1 failed or below what it checks), 64 a usage error.")
                .commandListHeading("Benchmarks:%n");
        bench.addOption(helpOption());
        for (final Benchmark b : CATALOGUE) {
            final CommandSpec spec = CommandSpec.create().name(b.name());
            final String synopsis = "mlbatch bench " + b.name() + " " + b.arguments() + "%n"
                    + (b.peerClass() == null ? "" : "       mlbatch bench " + b.name() + " --peer DATA_PREPPER_HOME " + b.peerArguments() + "%n");
            spec.usageMessage().synopsisHeading("usage: ").customSynopsis(synopsis)
                    .description(b.summary() + (b.peerClass() == null ? "" : "; --peer: the same workload side by side with a real Data Prepper"),
                            "Its arguments are read by " + b.className() + (b.peerClass() == null ? "" : " (--peer: " + b.peerClass() + ")")
                                    + "; its README section tells what it measures.");
            spec.addOption(helpOption());
            spec.addPositional(PositionalParamSpec.builder().arity("0..*").paramLabel("ARGS").hideParamSyntax(true).type(List.class)
                    .auxiliaryTypes(String.class).description("passed on to the benchmark as they are").build());
            // A benchmark's own options (--objects, --peer ...) are its business: they reach it as they are.
            spec.parser().unmatchedOptionsArePositionalParams(true);
            bench.addSubcommand(b.name(), spec);
        }
        return CommandLineParse.of(bench);
    }

    private static String names(final List<Benchmark> benchmarks) {
        return String.join(", ", benchmarks.stream().map(Benchmark::name).toList());
    }

    private static OptionSpec helpOption() {
        return OptionSpec.builder("-h", "--help").usageHelp(true).description("print this help and exit").build();
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) throws Throwable {
        final CommandLine commandLine = commandLine();
        if (args.length > 0 && !args[0].startsWith("-") && !commandLine.getSubcommands().containsKey(args[0])) {
            return CommandLineParse.usageError(commandLine, "unknown benchmark '" + args[0] + "' (" + names(CATALOGUE) + ")", err);
        }
        final OptionalInt parsed = CommandLineParse.parse(commandLine, args, out, err);
        if (parsed.isPresent()) {
            return parsed.getAsInt();
        }
        final ParseResult chosen = commandLine.getParseResult().subcommand();
        if (chosen == null) {
            return CommandLineParse.usageError(commandLine, "name a benchmark: " + names(CATALOGUE), err);
        }
        final Benchmark benchmark = CATALOGUE.stream().filter(b -> b.name().equals(chosen.commandSpec().name())).findFirst().orElseThrow();
        final CommandLine sub = chosen.commandSpec().commandLine();
        final List<String> rest = chosen.matchedPositionals().isEmpty() ? List.of() : chosen.matchedPositionals().get(0).getValue();
        final boolean peer = rest.contains("--peer");
        if (peer && benchmark.peerClass() == null) {
            return CommandLineParse.usageError(sub, "bench " + benchmark.name() + " has no --peer variant (those with one: "
                    + names(CATALOGUE.stream().filter(b -> b.peerClass() != null).toList()) + ")", err);
        }
        final String className = peer ? benchmark.peerClass() : benchmark.className();
        final Class<?> type;
        try {
            type = Class.forName(className);
        } catch (final ClassNotFoundException e) {
            err.println("benchmark '" + benchmark.name() + "' is not part of this build (" + className + ")");
            return 1;
        }
        final Method main = type.getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) rest.toArray(String[]::new));
        } catch (final InvocationTargetException e) {
            // A benchmark's own argument checks throw IllegalArgumentException (NumberFormatException included).
            if (e.getCause() instanceof IllegalArgumentException usage) {
                return CommandLineParse.usageError(sub, usage.getMessage(), err);
            }
            throw e.getCause();
        }
        return 0;
    }
}
