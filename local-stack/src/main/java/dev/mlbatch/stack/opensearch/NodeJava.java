package dev.mlbatch.stack.opensearch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Picks the JDK OpenSearch 2.19.1 runs on: 11 to 21 (not 25: "Enabling a Security Manager is not supported"). */
public final class NodeJava {

    private NodeJava() {
    }

    public static Path home() {
        String explicit = System.getenv("MLBATCH_OPENSEARCH_JAVA_HOME");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        int feature = Runtime.version().feature();
        if (feature >= 11 && feature <= 21) {
            return Path.of(System.getProperty("java.home"));
        }
        for (String candidate : List.of("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/java-17-openjdk-arm64",
                "/usr/lib/jvm/java-21-openjdk-amd64", "/usr/lib/jvm/java-21-openjdk-arm64")) {
            if (Files.isExecutable(Path.of(candidate, "bin", "java"))) {
                return Path.of(candidate);
            }
        }
        throw new IllegalStateException("OpenSearch 2.19 needs a Java 11-21 runtime; set MLBATCH_OPENSEARCH_JAVA_HOME");
    }
}
