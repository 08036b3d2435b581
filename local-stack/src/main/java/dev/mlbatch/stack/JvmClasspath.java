package dev.mlbatch.stack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The class path for JVMs the stack spawns. Preferred: local-stack's own code plus the runtime class
 * path Maven resolved for this module at build time ({@code mlbatch/services.classpath}), because a
 * consumer's class path may carry other versions (e.g. a BOM forcing an older jackson-annotations
 * that s3proxy cannot run with). Fallback: this JVM's class path, with surefire's manifest-only jar
 * (deleted when the test JVM ends) expanded into real entries.
 */
public final class JvmClasspath {

    private JvmClasspath() {
    }

    public static String forServices() {
        List<String> recorded = recorded();
        if (!recorded.isEmpty() && recorded.stream().allMatch(p -> new File(p).exists())) {
            List<String> entries = new ArrayList<>();
            entries.add(ownLocation());
            entries.addAll(recorded);
            return String.join(File.pathSeparator, entries);
        }
        return current();
    }

    /**
     * This JVM's class path with every entry absolute (a child may run in another working directory), a trailing
     * {@code *} wildcard kept as is.
     */
    public static String current() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            List<String> expanded = manifestClassPath(entry);
            entries.addAll(expanded.isEmpty() ? List.of(absolute(entry)) : expanded);
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String absolute(String entry) {
        return entry.endsWith("*")
                ? Path.of(entry.substring(0, entry.length() - 1)).toAbsolutePath() + File.separator + "*"
                : Path.of(entry).toAbsolutePath().toString();
    }

    private static List<String> recorded() {
        try (InputStream in = JvmClasspath.class.getResourceAsStream("/mlbatch/services.classpath")) {
            if (in == null) {
                return List.of();
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? List.of() : List.of(text.split(File.pathSeparator));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String ownLocation() {
        try {
            return Path.of(JvmClasspath.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> manifestClassPath(String entry) {
        if (!entry.endsWith(".jar") || !Files.isRegularFile(Path.of(entry))) {
            return List.of();
        }
        try (JarFile jar = new JarFile(entry)) {
            Manifest manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null || jar.stream().anyMatch(e -> e.getName().endsWith(".class"))) {
                return List.of();
            }
            Path base = Path.of(entry).toAbsolutePath().getParent();
            List<String> out = new ArrayList<>();
            for (String item : classPath.trim().split("\\s+")) {
                URI uri = item.contains(":") ? URI.create(item) : base.toUri().resolve(item);
                out.add(Path.of(uri).toString());
            }
            return out;
        } catch (IOException | IllegalArgumentException e) {
            return List.of();
        }
    }
}
