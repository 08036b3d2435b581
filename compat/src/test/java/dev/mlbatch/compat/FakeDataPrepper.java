package dev.mlbatch.compat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/** Jars and Data Prepper folders made in a temp dir for the deploy tests. */
final class FakeDataPrepper {

    private FakeDataPrepper() {
    }

    /** A jar with a pom.properties (unless {@code groupId} is null) and one empty class per given class name. */
    static Path jar(final Path dir, final String fileName, final String groupId, final String artifactId,
                    final String version, final String... classes) throws IOException {
        Files.createDirectories(dir);
        final Path jar = dir.resolve(fileName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            if (groupId != null) {
                out.putNextEntry(new ZipEntry("META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties"));
                out.write(("groupId=" + groupId + "\nartifactId=" + artifactId + "\nversion=" + version + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            for (final String c : classes) {
                out.putNextEntry(new ZipEntry(c.replace('.', '/') + ".class"));
                out.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
                out.closeEntry();
            }
        }
        return jar;
    }

    /** A Data Prepper {@code apiVersion} folder laid out as upstream's archive, with the jars deploy cares about. */
    static Path home(final Path root, final String apiVersion) throws IOException {
        final Path lib = root.resolve("lib");
        final String dp = "org.opensearch.dataprepper";
        jar(lib, "data-prepper-api-" + apiVersion + ".jar", dp, "data-prepper-api", apiVersion, "org.opensearch.dataprepper.model.Api");
        jar(lib, "data-prepper-core-" + apiVersion + ".jar", dp, "data-prepper-core", apiVersion, "org.opensearch.dataprepper.Core");
        jar(lib, "data-prepper-in-memory-source-coordination-store-" + apiVersion + ".jar", dp + ".plugins",
                "in-memory-source-coordination-store", apiVersion, "org.opensearch.dataprepper.plugins.InMemory");
        jar(lib, "data-prepper-ml-inference-processor-" + apiVersion + ".jar", dp + ".plugins", "ml-inference-processor",
                apiVersion, "org.opensearch.dataprepper.plugins.ml.MLProcessor");
        jar(lib, "data-prepper-s3-source-" + apiVersion + ".jar", dp + ".plugins", "s3-source", apiVersion,
                "org.opensearch.dataprepper.plugins.source.s3.S3Source");
        jar(lib, "data-prepper-s3-sink-" + apiVersion + ".jar", dp + ".plugins", "s3-sink", apiVersion,
                "org.opensearch.dataprepper.plugins.sink.s3.S3Sink");
        jar(lib, "data-prepper-s3-enrich-processor-" + apiVersion + ".jar", dp + ".plugins", "s3-enrich-processor", apiVersion,
                "org.opensearch.dataprepper.plugins.s3_enrich.processor.S3EnrichProcessor");
        // Gradle-built jars carry no pom.properties: upstream's opensearch plugin, and OpenSearch's own server jar
        // of the same artifact name, which must stay.
        jar(lib, "opensearch-" + apiVersion + ".jar", null, null, null, "org.opensearch.dataprepper.plugins.sink.opensearch.OpenSearchSink");
        jar(lib, "opensearch-1.3.14.jar", null, null, null, "org.opensearch.Version");
        jar(lib, "jackson-databind-2.21.1.jar", "com.fasterxml.jackson.core", "jackson-databind", "2.21.1", "com.fasterxml.jackson.databind.ObjectMapper");
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("bin/data-prepper"), "#!/bin/bash\n");
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/data-prepper-config.yaml"), "ssl: false\n");
        Files.writeString(root.resolve("config/log4j2-rolling.properties"), "rootLogger.level = warn\nlogger.plugins.name = org.opensearch.dataprepper.plugins\nlogger.plugins.level = info\n");
        return root;
    }

    /** Our five plugin jars and two dependencies: jackson-databind (lib/ has it, newer) and eventstream (lib/ lacks it). */
    static Path bundle(final Path dir) throws IOException {
        for (final String a : new String[] {"ml-inference-processor", "s3-source-metadata-mode", "opensearch-sink", "s3-sink", "s3-enrich-processor"}) {
            jar(dir, a + "-0.1.0-SNAPSHOT.jar", "dev.mlbatch", a, "0.1.0-SNAPSHOT", "dev.mlbatch.plugins." + a.replace('-', '_') + ".Plugin");
        }
        jar(dir, "jackson-databind-2.18.2.jar", "com.fasterxml.jackson.core", "jackson-databind", "2.18.2", "com.fasterxml.jackson.databind.ObjectMapper");
        jar(dir, "eventstream-1.0.1.jar", "software.amazon.eventstream", "eventstream", "1.0.1", "software.amazon.eventstream.Message");
        return dir;
    }

    /** Every path under {@code root} with a hash of its bytes (files) and its modification time. */
    static Map<String, String> snapshot(final Path root) throws IOException {
        final Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (final Path p : paths.toList()) {
                final String content = Files.isDirectory(p) ? "dir" : sha256(Files.readAllBytes(p));
                entries.put(root.relativize(p).toString(), content + " " + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return entries;
    }

    private static String sha256(final byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void write(final OutputStream out, final String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }
}
