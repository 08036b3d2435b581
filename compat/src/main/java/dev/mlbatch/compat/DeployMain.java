package dev.mlbatch.compat;

import dev.mlbatch.demo.ProjectLayout;

import java.io.PrintStream;
import java.nio.file.Path;

/** {@code mlbatch deploy DATA_PREPPER_HOME [--dry-run] [--undo]}. */
public final class DeployMain {

    static final int EXIT_REFUSED = 1;
    static final int EXIT_USAGE = 64;
    private static final String USAGE = "usage: mlbatch deploy DATA_PREPPER_HOME [--dry-run] [--undo]";

    private DeployMain() {
    }

    public static void main(final String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) {
        Path home = null;
        boolean dryRun = false;
        boolean undo = false;
        for (final String arg : args) {
            switch (arg) {
                case "--dry-run" -> dryRun = true;
                case "--undo" -> undo = true;
                default -> {
                    if (arg.startsWith("-") || home != null) {
                        err.println("mlbatch deploy: unexpected argument '" + arg + "'");
                        err.println(USAGE);
                        return EXIT_USAGE;
                    }
                    home = Path.of(arg).toAbsolutePath().normalize();
                }
            }
        }
        if (home == null) {
            err.println(USAGE);
            return EXIT_USAGE;
        }
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
