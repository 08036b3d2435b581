package dev.mlbatch.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.OptionalInt;

/**
 * How every mlbatch command reads its command line (picocli): {@code -h}/{@code --help} prints the command's usage on
 * standard output and exits 0; a usage error prints {@code mlbatch NAME: <what is wrong>}, the synopsis and a pointer
 * to {@code --help} on standard error and exits {@link #EXIT_USAGE}. The commands parse rather than
 * {@code execute}, so that what they throw while running reaches their callers (tests, the JVM) unchanged.
 */
public final class CommandLineParse {

    /** The exit code of every usage error of every mlbatch command (BSD's EX_USAGE; StackMain uses it too). */
    public static final int EXIT_USAGE = 64;

    /** {@code -h}/{@code --help}, mixed into every command with {@code @Mixin}. */
    public static final class Help {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        boolean help;
    }

    private CommandLineParse() {
    }

    /** A command line for {@code command} (an {@code @Command} object), its usage printed 100 columns wide. */
    public static CommandLine of(final Object command) {
        final CommandLine commandLine = new CommandLine(command);
        commandLine.setUsageHelpWidth(100);
        // A query text or a value may start with '@': it is not a file of arguments.
        commandLine.setExpandAtFiles(false);
        // Should a caller use execute(), a usage error still prints as below and exits 64.
        commandLine.setParameterExceptionHandler((e, args) -> usageError(e.getCommandLine(), e.getMessage(), System.err));
        return commandLine;
    }

    /**
     * Parses {@code args} into the command's fields. Empty when the command should run; otherwise the exit code, its
     * text already printed: 0 after the help (on {@code out}), {@link #EXIT_USAGE} after a usage error (on {@code err}).
     */
    public static OptionalInt parse(final CommandLine commandLine, final String[] args, final PrintStream out,
                                    final PrintStream err) {
        final ParseResult result;
        try {
            result = commandLine.parseArgs(args);
        } catch (final ParameterException e) {
            return OptionalInt.of(usageError(e.getCommandLine(), e.getMessage(), err));
        }
        final CommandLine asked = helpAsked(result);
        if (asked != null) {
            printUsage(asked, out);
            return OptionalInt.of(0);
        }
        return OptionalInt.empty();
    }

    /** The (sub)command whose help was asked for, or null. */
    private static CommandLine helpAsked(final ParseResult result) {
        for (ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.isUsageHelpRequested()) {
                return r.commandSpec().commandLine();
            }
        }
        return null;
    }

    public static void printUsage(final CommandLine commandLine, final PrintStream out) {
        final PrintWriter writer = new PrintWriter(out, true, Charset.defaultCharset());
        commandLine.usage(writer);
        writer.flush();
    }

    /**
     * Prints {@code mlbatch NAME: message}, the synopsis and where the whole help is; returns {@link #EXIT_USAGE}.
     */
    public static int usageError(final CommandLine commandLine, final String message, final PrintStream err) {
        final String name = commandLine.getCommandSpec().qualifiedName();
        err.println(name + ": " + message);
        err.println((commandLine.getHelp().synopsisHeading() + commandLine.getHelp().synopsis(0)).stripTrailing());
        err.println("('" + name + " --help' lists every option)");
        err.flush();
        return EXIT_USAGE;
    }
}
