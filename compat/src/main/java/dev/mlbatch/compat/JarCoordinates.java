package dev.mlbatch.compat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

/**
 * Which library a jar is: group, artifact and version from its {@code META-INF/maven/<g>/<a>/pom.properties}, else
 * (many jars, e.g. Gradle-built ones, carry none) artifact and version from its file name {@code <artifact>-<version>.jar}
 * with the group unknown ({@code null}).
 */
public record JarCoordinates(String groupId, String artifactId, String version, Path file) {

    /** {@code <artifact>-<version>[-classifier].jar}: the version starts at the first {@code -<digit>}. */
    private static final Pattern FILE_NAME = Pattern.compile("(.+?)-(\\d[^/]*)\\.jar");

    /** Reads a jar's coordinates; a jar that cannot be opened is named in the error. */
    public static JarCoordinates read(final Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            final String name = jar.getFileName().toString();
            final List<Properties> poms = new ArrayList<>();
            final Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                final ZipEntry entry = entries.nextElement();
                if (entry.getName().startsWith("META-INF/maven/") && entry.getName().endsWith("/pom.properties")) {
                    final Properties p = new Properties();
                    try (InputStream in = file.getInputStream(entry)) {
                        p.load(in);
                    }
                    if (p.getProperty("groupId") != null && p.getProperty("artifactId") != null) {
                        poms.add(p);
                    }
                }
            }
            // A shaded jar may hold several pom.properties: the one whose artifact the file is named after is its own.
            final Properties own = poms.stream()
                    .filter(p -> name.startsWith(p.getProperty("artifactId") + "-"))
                    .findFirst().orElse(poms.size() == 1 ? poms.get(0) : null);
            if (own != null) {
                return new JarCoordinates(own.getProperty("groupId"), own.getProperty("artifactId"),
                        own.getProperty("version"), jar);
            }
            final Matcher m = FILE_NAME.matcher(name);
            String version = m.matches() ? m.group(2) : null;
            final Manifest manifest = file.getManifest();
            if (version == null && manifest != null) {
                version = manifest.getMainAttributes().getValue("Implementation-Version");
            }
            return new JarCoordinates(null, m.matches() ? m.group(1) : name.replaceFirst("\\.jar$", ""), version, jar);
        } catch (final IOException e) {
            throw new IllegalArgumentException("cannot read jar " + jar + ": " + e.getMessage(), e);
        }
    }

    /** Whether the jar holds any class of package {@code prefix} (slashes, e.g. {@code org/opensearch/dataprepper/}). */
    public static boolean holdsClassesUnder(final Path jar, final String prefix) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().anyMatch(e -> e.getName().startsWith(prefix) && e.getName().endsWith(".class"));
        } catch (final IOException e) {
            throw new IllegalArgumentException("cannot read jar " + jar + ": " + e.getMessage(), e);
        }
    }

    /**
     * The same library, whatever the version: same group and artifact; when either side's group is unknown, the
     * same artifact.
     */
    public boolean sameLibrary(final JarCoordinates other) {
        return artifactId.equals(other.artifactId)
                && (groupId == null || other.groupId == null || groupId.equals(other.groupId));
    }

    public String key() {
        return (groupId == null ? "?" : groupId) + ":" + artifactId;
    }

    @Override
    public String toString() {
        return key() + ":" + version;
    }
}
