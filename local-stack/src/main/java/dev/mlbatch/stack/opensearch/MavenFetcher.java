package dev.mlbatch.stack.opensearch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fetches a missing artifact through Maven ({@code maven-dependency-plugin:copy}), for when the
 * stack is started without the local-stack build having copied the downloads first (for example a
 * fresh {@code MLBATCH_HOME}). Needs {@code mvn} on the PATH.
 */
public final class MavenFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(MavenFetcher.class);

    public void fetch(OpenSearchArtifact artifact, Path outputDirectory) throws IOException, InterruptedException {
        Files.createDirectories(outputDirectory);
        LOG.info("fetching {} through Maven", artifact.coordinates());
        Process p = new ProcessBuilder("mvn", "-q", "-B",
                "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy",
                "-Dartifact=" + artifact.coordinates(), "-DoutputDirectory=" + outputDirectory)
                .directory(outputDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (p.waitFor() != 0 || !Files.isRegularFile(outputDirectory.resolve(artifact.fileName()))) {
            throw new IOException("could not fetch " + artifact.coordinates() + " through Maven (exit " + p.exitValue() + ")");
        }
    }
}
