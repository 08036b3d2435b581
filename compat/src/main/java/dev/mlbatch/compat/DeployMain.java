package dev.mlbatch.compat;

import dev.mlbatch.demo.ProjectLayout;
import dev.mlbatch.runtime.cli.CommandLineParse;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.OptionalInt;

/** {@code mlbatch deploy DATA_PREPPER_HOME [--dry-run] [--undo]}. */
public final class DeployMain {

    static final int EXIT_REFUSED = 1;
    static final int EXIT_USAGE = CommandLineParse.EXIT_USAGE;

    /** The command line of {@code mlbatch deploy}. */
    @Command(name = "mlbatch deploy", separator = " ", synopsisHeading = "usage: ",
            customSynopsis = "mlbatch deploy DATA_PREPPER_HOME [--dry-run] [--undo]%n",
            description = {"Puts our plugin jars, with the runtime dependencies its lib/ lacks, into a real Data Prepper's folder "
                    + "and records what it changed, so that --undo takes it back exactly.",
                    "Exit codes: 0 done, 1 refused (the reason named), 64 a usage error."})
    static final class Arguments {
        @Mixin
        CommandLineParse.Help help;

        @Parameters(arity = "0..1", paramLabel = "DATA_PREPPER_HOME", hideParamSyntax = true,
                description = "an unpacked Data Prepper 2.16 or later")
        Path home;

        @Option(names = "--dry-run", description = "print what would change, change nothing")
        boolean dryRun;

        @Option(names = "--undo", description = "undo an earlier deploy")
        boolean undo;
    }

    private DeployMain() {
    }

    public static void main(final String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) {
        final Arguments arguments = new Arguments();
        final CommandLine commandLine = CommandLineParse.of(arguments);
        final OptionalInt parsed = CommandLineParse.parse(commandLine, args, out, err);
        if (parsed.isPresent()) {
            return parsed.getAsInt();
        }
        if (arguments.home == null) {
            return CommandLineParse.usageError(commandLine, "DATA_PREPPER_HOME is missing", err);
        }
        final Path home = arguments.home.toAbsolutePath().normalize();
        final boolean dryRun = arguments.dryRun;
        final boolean undo = arguments.undo;
        final Deployment deployment = new Deployment(bundle(), out);
        try {
            if (undo) {
                deployment.undo(home, dryRun);
            } else {
                deployment.deploy(home, dryRun);
            }
            return 0;
        } catch (final IllegalArgumentException | IllegalStateException | java.io.IOException e) {
            err.println("mlbatch deploy: refused: " + e.getMessage());
            return EXIT_REFUSED;
        }
    }

    /** Our plugin jars with their runtime dependencies, as the build leaves them. */
    static Path bundle() {
        return ProjectLayout.locate().root().resolve("compat/plugin-bundle/target/jars");
    }
}
