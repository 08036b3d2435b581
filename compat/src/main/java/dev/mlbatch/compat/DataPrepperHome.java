package dev.mlbatch.compat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Data Prepper distribution folder ({@code bin/}, {@code lib/}, {@code config/}) as {@code mlbatch deploy} sees it:
 * the jars in {@code lib/} and the version of its {@code data-prepper-api}.
 */
public final class DataPrepperHome {

    /** We compile against 2.16.0's API signatures (the parent POM's {@code data-prepper.version}). */
    public static final Version MINIMUM_API = Version.parse("2.16.0");

    private final Path root;
    private final List<JarCoordinates> lib;

    private DataPrepperHome(final Path root, final List<JarCoordinates> lib) {
        this.root = root;
        this.lib = lib;
    }

    /** Reads {@code root}; refuses, naming the reason, a folder that is not a Data Prepper. */
    public static DataPrepperHome inspect(final Path root) {
        final Path libDir = root.resolve("lib");
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException(root + " is not a directory");
        }
        if (!Files.isDirectory(libDir)) {
            throw new IllegalArgumentException(root + " is not a Data Prepper: it has no lib/ directory");
        }
        final List<JarCoordinates> jars;
        try (Stream<Path> files = Files.list(libDir)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted()
                    .map(JarCoordinates::read).toList();
        } catch (final IOException e) {
            throw new IllegalArgumentException("cannot list " + libDir + ": " + e.getMessage(), e);
        }
        final DataPrepperHome home = new DataPrepperHome(root, jars);
        for (final String needed : List.of("data-prepper-core", "data-prepper-api")) {
            if (home.find(needed).isEmpty()) {
                throw new IllegalArgumentException(root + " is not a Data Prepper: lib/ has no " + needed + "-<version>.jar");
            }
        }
        return home;
    }

    public Path root() {
        return root;
    }

    public Path libDir() {
        return root.resolve("lib");
    }

    public List<JarCoordinates> lib() {
        return lib;
    }

    /** The lib/ jar of this artifact (a Data Prepper one when the group is unknown or org.opensearch.dataprepper*). */
    public Optional<JarCoordinates> find(final String artifactId) {
        return lib.stream().filter(j -> j.artifactId().equals(artifactId))
                .filter(j -> j.groupId() == null || j.groupId().startsWith("org.opensearch.dataprepper"))
                .findFirst();
    }

    /** The version of lib/'s data-prepper-api; a version that cannot be read is named in the error. */
    public Version apiVersion() {
        final JarCoordinates api = find("data-prepper-api").orElseThrow();
        if (api.version() == null) {
            throw new IllegalArgumentException("cannot tell the version of " + api.file()
                    + " (no pom.properties, no version in its name, no Implementation-Version)");
        }
        return Version.parse(api.version());
    }

    /** Refuses an API older than {@link #MINIMUM_API}, naming both versions. */
    public void requireApi() {
        final Version api = apiVersion();
        if (api.compareTo(MINIMUM_API) < 0) {
            throw new IllegalArgumentException(root + " has data-prepper-api " + api + " (" + find("data-prepper-api").orElseThrow().file().getFileName()
                    + "); our plugins are built against the " + MINIMUM_API + " API signatures and need Data Prepper "
                    + MINIMUM_API.major() + "." + MINIMUM_API.minor() + " or newer");
        }
    }

    /** A dotted version; only its leading numbers count ({@code 2.17.0-SNAPSHOT} is 2.17.0). */
    public record Version(int major, int minor, int patch, String text) implements Comparable<Version> {
        public static Version parse(final String text) {
            final String[] parts = text.split("[.-]");
            final int[] n = new int[3];
            for (int i = 0; i < 3 && i < parts.length; i++) {
                if (!parts[i].matches("\\d+")) {
                    if (i == 0) {
                        throw new IllegalArgumentException("'" + text + "' is not a version");
                    }
                    break;
                }
                n[i] = Integer.parseInt(parts[i]);
            }
            return new Version(n[0], n[1], n[2], text);
        }

        @Override
        public int compareTo(final Version o) {
            return major != o.major ? Integer.compare(major, o.major)
                    : minor != o.minor ? Integer.compare(minor, o.minor) : Integer.compare(patch, o.patch);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
