package dev.mlbatch.stack;

import dev.mlbatch.stack.health.ClusterStaysRedException;
import dev.mlbatch.stack.ml.BatchJobCanceller;
import dev.mlbatch.stack.ml.ConnectorSetup;
import dev.mlbatch.stack.ml.JobsTable;
import dev.mlbatch.stack.ml.OpenSearchHttp;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code mlbatch stack up|down|status|reset [--yes]}, {@code mlbatch setup}, {@code mlbatch jobs [--watch]},
 * {@code mlbatch jobs cancel TASK|--all}.
 * Exit codes: 0 ok, 64 usage (as every mlbatch command), 3 stack not (fully) up (also: a
 * {@code stack up} that found the cluster staying red), 1 failure.
 */
public final class StackMain {
    static final int EXIT_USAGE = 64;

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
        if (args.length == 0) {
            err.println("usage: StackMain stack up|down|status|reset [--yes]|down-after-tests <build> | setup | jobs [--watch] | jobs cancel TASK|--all");
            return EXIT_USAGE;
        }
        if (args[0].equals("stack") && args.length > 1 && args[1].equals("reset")) {
            // Before a launcher exists: constructing one creates folders in the home, which reset may refuse.
            return reset.run(Arrays.asList(args).subList(2, args.length), out, err);
        }
        StackLauncher launcher = new StackLauncher(home);
        try {
            switch (args[0]) {
                case "stack" -> {
                    String sub = args.length > 1 ? args[1] : "";
                    switch (sub) {
                        case "up" -> {
                            try {
                                launcher.up(out);
                            } catch (ClusterStaysRedException red) {
                                ClusterStaysRedException.lines(red.diagnosis()).forEach(err::println);
                                return 3;
                            }
                            // Asked for by the user: no build stops it any more.
                            StartedByTests.remove(launcher.home());
                        }
                        case "down-after-tests" -> {
                            String build = args.length > 2 ? args[2] : "";
                            var marker = StartedByTests.read(launcher.home());
                            if (marker.isPresent() && marker.get().build().equals(build)) {
                                out.println("stopping the local stack in " + launcher.home().root() + ": this build's tests started it");
                                launcher.down(out);
                            } else {
                                out.println("leaving the local stack in " + launcher.home().root() + " as it is: "
                                        + (marker.isPresent() ? "another build's tests started it" : "this build's tests did not start it"));
                            }
                        }
                        case "down" -> launcher.down(out);
                        case "status" -> {
                            return launcher.status(out) ? 0 : 3;
                        }
                        default -> {
                            err.println("usage: mlbatch stack up|down|status|reset [--yes]");
                            return EXIT_USAGE;
                        }
                    }
                    return 0;
                }
                case "setup" -> {
                    StackEnv env = StackEnv.read(launcher.home().envFile()).filter(launcher::isOwnHealthy).orElse(null);
                    if (env == null) {
                        err.println("mlbatch setup: the stack is not up; run `mlbatch stack up` first");
                        return 3;
                    }
                    new ConnectorSetup(env, ConnectorSetup.defaultConnectorsDir()).run(launcher.home().envFile(), out);
                    return 0;
                }
                case "jobs" -> {
                    BatchJobCanceller.Request cancel = null;
                    if (args.length > 1 && args[1].equals("cancel")) {
                        try {
                            cancel = BatchJobCanceller.parse(Arrays.asList(args).subList(2, args.length));
                        } catch (BatchJobCanceller.UsageException e) {
                            err.println(e.getMessage());
                            err.println(BatchJobCanceller.USAGE);
                            return EXIT_USAGE;
                        }
                    }
                    StackEnv env = StackEnv.read(launcher.home().envFile()).orElse(null);
                    if (env == null) {
                        err.println("mlbatch jobs: the stack is not up; run `mlbatch stack up` first");
                        return 3;
                    }
                    if (cancel != null) {
                        return new BatchJobCanceller(new OpenSearchHttp(env.get(StackEnv.OPENSEARCH_URL))).run(cancel, out);
                    }
                    JobsTable table = new JobsTable(env);
                    boolean watch = Arrays.asList(args).contains("--watch");
                    do {
                        if (watch) {
                            out.print("\033[H\033[2J");
                        }
                        table.print(out);
                        out.flush();
                        if (watch) {
                            Thread.sleep(5000);
                        }
                    } while (watch);
                    return 0;
                }
                default -> {
                    err.println("unknown command " + args[0]);
                    return EXIT_USAGE;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            err.println("mlbatch " + String.join(" ", args) + ": " + e.getMessage());
            return 1;
        }
    }
}
