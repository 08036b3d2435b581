package dev.mlbatch.runtime;

import dev.mlbatch.runtime.config.ConfigurationException;

import java.nio.file.Path;
import java.time.Duration;

/** {@code mlbatch run <pipelines.yaml|dir> [--config FILE] [--exit-when-done]}. */
public final class Main {
    static final int EXIT_CONFIGURATION_ERROR = 2;
    static final int EXIT_USAGE = 64;

    private Main() {
    }

    public static void main(final String[] args) throws InterruptedException {
        System.exit(run(args));
    }

    static int run(final String[] args) throws InterruptedException {
        if (args.length < 2 || !args[0].equals("run")) {
            System.err.println("usage: mlbatch run <pipelines.yaml|dir> [--config FILE] [--exit-when-done]");
            return EXIT_USAGE;
        }
        Path pipelines = null;
        Path config = null;
        boolean exitWhenDone = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        System.err.println("mlbatch run: --config needs a file");
                        return EXIT_USAGE;
                    }
                    config = Path.of(args[++i]);
                }
                case "--exit-when-done" -> exitWhenDone = true;
                default -> {
                    if (args[i].startsWith("--") || pipelines != null) {
                        System.err.println("mlbatch run: unexpected argument '" + args[i] + "'");
                        return EXIT_USAGE;
                    }
                    pipelines = Path.of(args[i]);
                }
            }
        }
        if (pipelines == null) {
            System.err.println("mlbatch run: name a pipelines YAML file or directory");
            return EXIT_USAGE;
        }
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipelines).config(config)
                .serverPort(null).build();
        try {
            runtime.start();
        } catch (final ConfigurationException e) {
            System.err.println("ERROR: " + e.getMessage());
            runtime.shutdown();
            return EXIT_CONFIGURATION_ERROR;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(runtime::shutdown, "signal-shutdown"));
        if (exitWhenDone) {
            if (!runtime.canFinish()) {
                System.err.println("WARN: --exit-when-done: the source of pipeline(s) " + runtime.pipelinesThatNeverFinish()
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
