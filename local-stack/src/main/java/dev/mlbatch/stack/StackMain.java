package dev.mlbatch.stack;

import dev.mlbatch.stack.health.ClusterStaysRedException;
import dev.mlbatch.stack.ml.BatchJobCanceller;
import dev.mlbatch.stack.ml.ConnectorSetup;
import dev.mlbatch.stack.ml.JobsTable;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.ml.PriceTable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code mlbatch stack up|down|status|reset [--yes]}, {@code mlbatch setup}, {@code mlbatch jobs [--watch] [--prices FILE]},
 * {@code mlbatch jobs cancel TASK|--all}, parsed with picocli; {@code --help} on every command.
 * Exit codes: 0 ok, 64 usage (as every mlbatch command), 3 stack not (fully) up (also: a
 * {@code stack up} that found the cluster staying red), 1 failure.
 */
public final class StackMain {
    static final int EXIT_USAGE = 64;
    static final int EXIT_NOT_UP = 3;

    private StackMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(StackHome.locate(), args, out, err);
    }

    public static int run(StackHome home, String[] args, PrintStream out, PrintStream err) {
        return run(home, args, StackReset.forCommandLine(home), out, err);
    }

    /** With the {@code stack reset} to run (tests give one with their own terminal). */
    public static int run(StackHome home, String[] args, StackReset reset, PrintStream out, PrintStream err) {
        Context ctx = new Context(home, reset, out, err);
        CommandLine cl = new CommandLine(new Root());
        CommandLine stack = new CommandLine(new Stack());
        stack.addSubcommand(new CommandLine(new Up(ctx)));
        stack.addSubcommand(new CommandLine(new Down(ctx)));
        stack.addSubcommand(new CommandLine(new Status(ctx)));
        stack.addSubcommand(new CommandLine(new Reset(ctx)));
        stack.addSubcommand(new CommandLine(new DownAfterTests(ctx)));
        cl.addSubcommand(stack);
        cl.addSubcommand(new CommandLine(new Setup(ctx)));
        CommandLine jobs = new CommandLine(new Jobs(ctx));
        // Task ids are base64url and may start with '-': cancel's own parser decides what is an id or an option.
        jobs.addSubcommand(new CommandLine(new Cancel(ctx)).setUnmatchedOptionsArePositionalParams(true));
        cl.addSubcommand(jobs);
        lowercaseUsageHeading(cl);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine bad = ex.getCommandLine();
            bad.getErr().println("mlbatch " + commandPath(bad) + ": " + ex.getMessage());
            bad.usage(bad.getErr());
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, bad, parsed) -> {
            if (ex instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return 1;
            }
            err.println("mlbatch " + String.join(" ", args) + ": " + ex.getMessage());
            return 1;
        });
        return cl.execute(args);
    }

    /** "usage: mlbatch ...", as the other mlbatch commands print it; -V prints a version rather than nothing. */
    private static void lowercaseUsageHeading(CommandLine cl) {
        cl.getCommandSpec().usageMessage().synopsisHeading("usage: ");
        String version = StackMain.class.getPackage().getImplementationVersion();
        cl.getCommandSpec().version("mlbatch " + (version != null ? version : "(version not recorded in the jar)"));
        cl.getSubcommands().values().forEach(StackMain::lowercaseUsageHeading);
    }

    /** "stack up", "jobs cancel": the command's names below the root. */
    private static String commandPath(CommandLine cl) {
        String path = cl.getCommandSpec().qualifiedName(" ");
        return path.startsWith("mlbatch ") ? path.substring("mlbatch ".length()) : path;
    }

    private record Context(StackHome home, StackReset reset, PrintStream out, PrintStream err) {
        StackLauncher launcher() {
            return new StackLauncher(home);
        }
    }

    // Commands with subcommands only: picocli refuses them alone ("Missing required subcommand"), exit 64.
    @Command(name = "mlbatch", mixinStandardHelpOptions = true, description = "The local stack and its batch jobs.")
    static final class Root {
    }

    @Command(name = "stack", mixinStandardHelpOptions = true,
            description = "The local OpenSearch + ML Commons, S3, model service and SigV4 gateway.")
    static final class Stack {
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Start the stack (assembling OpenSearch on first use), print its endpoints, write stack.env.",
                    "Exit 3 when a part does not come up, e.g. a cluster that stays red (its diagnosis is printed)."})
    static final class Up implements Callable<Integer> {
        private final Context ctx;

        Up(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() throws Exception {
            StackLauncher launcher = ctx.launcher();
            try {
                launcher.up(ctx.out());
            } catch (ClusterStaysRedException red) {
                ClusterStaysRedException.lines(red.diagnosis()).forEach(ctx.err()::println);
                return EXIT_NOT_UP;
            }
            // Asked for by the user: no build stops it any more.
            StartedByTests.remove(launcher.home());
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop every process of the stack and remove stack.env.")
    static final class Down implements Callable<Integer> {
        private final Context ctx;

        Down(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() throws Exception {
            ctx.launcher().down(ctx.out());
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Each part's health and what to do; exit 0 when no part fails, 3 otherwise.")
    static final class Status implements Callable<Integer> {
        private final Context ctx;

        Status(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() throws Exception {
            return ctx.launcher().status(ctx.out()) ? 0 : EXIT_NOT_UP;
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = {"Stop the stack and delete everything in the state folder, after `type yes to delete <folder>`.",
                    "Exit 0 deleted, 1 not confirmed or failed, 64 a refused folder or no terminal to ask on."})
    static final class Reset implements Callable<Integer> {
        private final Context ctx;

        @Option(names = "--yes", description = "delete without asking")
        boolean yes;

        Reset(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            // No launcher before this: constructing one creates folders in the home, which reset may refuse.
            return ctx.reset().run(yes ? List.of("--yes") : List.of(), ctx.out(), ctx.err());
        }
    }

    @Command(name = "down-after-tests", hidden = true,
            description = "Stop the stack only if the tests of build BUILD started it (the build's post-integration-test).")
    static final class DownAfterTests implements Callable<Integer> {
        private final Context ctx;

        @Parameters(index = "0", arity = "0..1", paramLabel = "BUILD", defaultValue = "")
        String build;

        DownAfterTests(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() throws Exception {
            StackLauncher launcher = ctx.launcher();
            var marker = StartedByTests.read(launcher.home());
            if (marker.isPresent() && marker.get().build().equals(build)) {
                ctx.out().println("stopping the local stack in " + launcher.home().root() + ": this build's tests started it");
                launcher.down(ctx.out());
            } else {
                ctx.out().println("leaving the local stack in " + launcher.home().root() + " as it is: "
                        + (marker.isPresent() ? "another build's tests started it" : "this build's tests did not start it"));
            }
            return 0;
        }
    }

    @Command(name = "setup", mixinStandardHelpOptions = true,
            description = "Create the ML Commons connectors and models (idempotent) and add their ids to stack.env; exit 3 without a stack.")
    static final class Setup implements Callable<Integer> {
        private final Context ctx;

        Setup(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() throws Exception {
            StackLauncher launcher = ctx.launcher();
            StackEnv env = StackEnv.read(launcher.home().envFile()).filter(launcher::isOwnHealthy).orElse(null);
            if (env == null) {
                ctx.err().println("mlbatch setup: the stack is not up; run `mlbatch stack up` first");
                return EXIT_NOT_UP;
            }
            new ConnectorSetup(env, ConnectorSetup.defaultConnectorsDir()).run(launcher.home().envFile(), ctx.out());
            return 0;
        }
    }

    @Command(name = "jobs", mixinStandardHelpOptions = true,
            description = {"Batch-predict tasks of ML Commons: task, model, job, input, state, provider status, progress, age,",
                    "records/s and ETA where the provider reports counts, and an estimated cost (n/a where unknown).",
                    "Exit 3 without a stack, 1 for a price file that cannot be used."})
    static final class Jobs implements Callable<Integer> {
        private final Context ctx;

        @Option(names = "--watch", description = "clear the screen and print again every 5 s until Ctrl-C")
        boolean watch;

        @Option(names = "--prices", paramLabel = "FILE",
                description = "price table (JSON) for the cost column; default $MLBATCH_HOME/prices.json if it exists, else the shipped example prices")
        Path prices;

        Jobs(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() throws Exception {
            PriceTable table;
            try {
                table = PriceTable.choose(prices, ctx.home().root());
            } catch (PriceTable.Invalid e) {
                ctx.err().println("mlbatch jobs: " + e.getMessage());
                return 1;
            }
            StackEnv env = StackEnv.read(ctx.home().envFile()).orElse(null);
            if (env == null) {
                ctx.err().println("mlbatch jobs: the stack is not up; run `mlbatch stack up` first");
                return EXIT_NOT_UP;
            }
            try (JobsTable jobs = new JobsTable(env, table)) {
                do {
                    if (watch) {
                        ctx.out().print("\033[H\033[2J");
                    }
                    jobs.print(ctx.out());
                    ctx.out().flush();
                    if (watch) {
                        Thread.sleep(5000);
                    }
                } while (watch);
            }
            return 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = {"Cancel one batch-predict task, or with --all every one in CREATED or RUNNING.",
                    "A task id may start with '-' (base64url); any argument after -- is a task id.",
                    "Exit 0 every cancel accepted, 1 one refused, 3 without a stack."})
    static final class Cancel implements Callable<Integer> {
        private final Context ctx;

        @Parameters(arity = "0..*", paramLabel = "TASK|--all", description = "a task id from `mlbatch jobs`, or --all")
        List<String> ignored;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        Cancel(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            // picocli drops "--"; BatchJobCanceller's parser needs it, so it reads the words after "cancel" as given.
            List<String> original = spec.commandLine().getParseResult().originalArgs();
            int at = original.indexOf("cancel");
            BatchJobCanceller.Request request;
            try {
                request = BatchJobCanceller.parse(original.subList(at + 1, original.size()));
            } catch (BatchJobCanceller.UsageException e) {
                ctx.err().println(e.getMessage());
                ctx.err().println(BatchJobCanceller.USAGE);
                return EXIT_USAGE;
            }
            StackEnv env = StackEnv.read(ctx.home().envFile()).orElse(null);
            if (env == null) {
                ctx.err().println("mlbatch jobs: the stack is not up; run `mlbatch stack up` first");
                return EXIT_NOT_UP;
            }
            return new BatchJobCanceller(new OpenSearchHttp(env.get(StackEnv.OPENSEARCH_URL))).run(request, ctx.out());
        }
    }
}
