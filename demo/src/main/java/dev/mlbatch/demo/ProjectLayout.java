package dev.mlbatch.demo;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's pipelines and examples are: {@code MLBATCH_REPO}, else the first parent of the working
 * directory that holds the {@code mlbatch} script. */
public record ProjectLayout(Path root) {

    public static ProjectLayout locate() {
        final String env = System.getenv("MLBATCH_REPO");
        if (env != null && !env.isBlank()) {
            return new ProjectLayout(Path.of(env).toAbsolutePath().normalize());
        }
        final String property = System.getProperty("mlbatch.repo");
        if (property != null && !property.isBlank()) {
            return new ProjectLayout(Path.of(property).toAbsolutePath().normalize());
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mlbatch")) && Files.isDirectory(dir.resolve("pipelines/local"))) {
                return new ProjectLayout(dir);
            }
        }
        throw new IllegalStateException("cannot find the repository (pipelines/local, examples/): run from inside it or set MLBATCH_REPO");
    }

    public Path localPipelines() {
        return root.resolve("pipelines/local");
    }

    public Path corpus() {
        return root.resolve("examples/corpus/wordnet-synsets.jsonl");
    }

    public Path questions() {
        return root.resolve("examples/corpus/questions.jsonl");
    }

    public Path searches() {
        return root.resolve("examples/searches");
    }
}
