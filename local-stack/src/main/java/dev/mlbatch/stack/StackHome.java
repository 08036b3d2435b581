package dev.mlbatch.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project-local state folder ({@code .mlbatch/}): downloads, the assembled OpenSearch node, its
 * data, the S3 files, logs, pid files and the env file. Location: env {@code MLBATCH_HOME}, else
 * system property {@code mlbatch.home}, else {@code <repo root>/.mlbatch} where the repo root is the
 * nearest folder upwards holding both the {@code mlbatch} script and a {@code pom.xml}.
 */
public record StackHome(Path root) {

    public static final String OPENSEARCH_VERSION = "2.19.1";

    public static StackHome locate() {
        String env = System.getenv("MLBATCH_HOME");
        if (env != null && !env.isBlank()) {
            return new StackHome(Path.of(env).toAbsolutePath().normalize());
        }
        String prop = System.getProperty("mlbatch.home");
        if (prop != null && !prop.isBlank()) {
            return new StackHome(Path.of(prop).toAbsolutePath().normalize());
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mlbatch")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return new StackHome(dir.resolve(".mlbatch"));
            }
        }
        return new StackHome(Path.of(System.getProperty("user.home"), ".mlbatch"));
    }

    public Path downloads() { return root.resolve("downloads"); }
    public Path openSearchDir() { return root.resolve("opensearch-" + OPENSEARCH_VERSION); }
    public Path openSearchData() { return root.resolve("data/opensearch"); }
    public Path openSearchLogs() { return root.resolve("logs/opensearch"); }
    /** Inside the node folder, because the unprivileged node user must be able to write it. */
    public Path openSearchPidFile() { return openSearchDir().resolve("opensearch.pid"); }
    public Path s3Dir() { return root.resolve("s3"); }
    public Path servicesPidFile() { return root.resolve("run/services.pid"); }
    public Path servicesReadyFile() { return root.resolve("run/services.ready"); }
    public Path servicesLog() { return root.resolve("logs/services.log"); }
    public Path modelServiceConfig() { return root.resolve("model-service.json"); }
    public Path envFile() { return root.resolve("stack.env"); }
    public Path lockFile() { return root.resolve("run/stack.lock"); }

    public StackHome ensureDirs() {
        try {
            Files.createDirectories(root.resolve("run"));
            Files.createDirectories(root.resolve("logs"));
            Files.createDirectories(s3Dir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
