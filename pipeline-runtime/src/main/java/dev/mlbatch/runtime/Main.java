package dev.mlbatch.runtime;

import dev.mlbatch.runtime.cli.CommandLineParse;
import dev.mlbatch.runtime.config.ConfigurationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;

/** {@code mlbatch run <pipelines.yaml|dir> [--config FILE] [--exit-when-done]}. */
public final class Main {
    static final int EXIT_CONFIGURATION_ERROR = 2;
    static final int EXIT_USAGE = CommandLineParse.EXIT_USAGE;

    /** The command line of {@code mlbatch run}. */
    @Command(name = "run", separator = " ", synopsisHeading = "usage: ",
            customSynopsis = "mlbatch run <pipelines.yaml|dir> [--config FILE] [--exit-when-done]%n",
            description = {"Runs Data Prepper pipelines locally, as Data Prepper does, until stopped (Ctrl-C, SIGTERM).",
                    "Exit codes: 0 stopped or done, 2 a configuration error (named with pipeline, plugin and key), 64 a usage error."})
    static final class RunCommand {
        @Mixin
        CommandLineParse.Help help;

        @Parameters(index = "0", paramLabel = "<pipelines.yaml|dir>",
                description = "a pipelines YAML file, or a directory of them")
        Path pipelines;

        @Option(names = "--config", paramLabel = "FILE", description = "data-prepper-config.yaml (server, peer forwarder, ...)")
        Path config;

        @Option(names = "--exit-when-done",
                description = "exit 0 once every source has finished and every event has left the pipelines "
                        + "(a source that never finishes: runs until stopped)")
        boolean exitWhenDone;
    }

    /** {@code mlbatch}: only {@code run} is this JVM's; the other commands have their own mains (the mlbatch script). */
    @Command(name = "mlbatch", synopsisHeading = "usage: ", customSynopsis = "mlbatch run <pipelines.yaml|dir> [--config FILE] [--exit-when-done]%n",
            subcommands = RunCommand.class)
    static final class Root {
        @Mixin
        CommandLineParse.Help help;
    }

    private Main() {
    }

    public static void main(final String[] args) throws InterruptedException {
        System.exit(run(args));
    }

    static int run(final String[] args) throws InterruptedException {
        return run(args, System.out, System.err);
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) throws InterruptedException {
        final CommandLine commandLine = CommandLineParse.of(new Root());
        final OptionalInt parsed = CommandLineParse.parse(commandLine, args, out, err);
        if (parsed.isPresent()) {
            return parsed.getAsInt();
        }
        if (!commandLine.getParseResult().hasSubcommand()) {
            return CommandLineParse.usageError(commandLine, "name the command: run", err);
        }
        final RunCommand command = commandLine.getSubcommands().get("run").getCommand();
        final Path pipelines = command.pipelines;
        final Path config = command.config;
        final boolean exitWhenDone = command.exitWhenDone;
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipelines).config(config)
                .serverPort(null).build();
        try {
            runtime.start();
        } catch (final ConfigurationException e) {
            err.println("ERROR: " + e.getMessage());
            runtime.shutdown();
            return EXIT_CONFIGURATION_ERROR;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(runtime::shutdown, "signal-shutdown"));
        if (exitWhenDone) {
            if (!runtime.canFinish()) {
                err.println("WARN: --exit-when-done: the source of pipeline(s) " + runtime.pipelinesThatNeverFinish()
                        + " never reports that it has finished; running until stopped");
            }
            while (!runtime.awaitFinished(Duration.ofSeconds(1))) {
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
                if (!runtime.canFinish()) {
                    runtime.awaitStopped();
                    return 0;
                }
            }
            runtime.shutdown();
            return 0;
        }
        runtime.awaitStopped();
        return 0;
    }
}
