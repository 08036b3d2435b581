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
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class path for JVMs the stack spawns. Preferred: local-stack's own code plus the runtime class
 * path Maven resolved for this module at build time ({@code mlbatch/services.classpath}), because a
 * consumer's class path may carry other versions (e.g. a BOM forcing an older jackson-annotations
 * that s3proxy cannot run with). Fallback: this JVM's class path, with surefire's manifest-only jar
 * (deleted when the test JVM ends) expanded into real entries.
 *
 * <p>Pipeline JVMs ({@link #forPipelines()}) get only the runtime, the plugins and their dependencies: the
 * distribution's lib folder names those jars in {@value #PIPELINE_JARS}.
 */
public final class JvmClasspath {

    /** In the distribution's lib folder: the file names of the pipeline JVMs' jars, one a line (distribution/pom.xml). */
    public static final String PIPELINE_JARS = "pipeline.classpath";

    private static final Logger LOG = LoggerFactory.getLogger(JvmClasspath.class);

    private JvmClasspath() {
    }

    /**
     * The class path of a pipeline JVM (our runtime running pipelines): when this class was loaded from a lib folder
     * that holds {@value #PIPELINE_JARS}, the jars it names in that same folder (so a copy of lib with a rebuilt jar
     * dropped in gives the pipelines that jar); otherwise (a Maven test class path, an IDE, a lib of an older build)
     * this JVM's whole class path, as before there was a separate one.
     */
    public static String forPipelines() {
        return ownFolder().flatMap(JvmClasspath::forPipelines).orElseGet(JvmClasspath::current);
    }

    /**
     * The pipeline class path that {@code lib/}{@value #PIPELINE_JARS} names, each entry an absolute path in
     * {@code lib}; empty when there is no such file, or (logged, naming the jar) when a jar it names is not in
     * {@code lib}, so the caller falls back to a class path that has everything.
     */
    public static Optional<String> forPipelines(final Path lib) {
        Path names = lib.resolve(PIPELINE_JARS);
        if (!Files.isRegularFile(names)) {
            return Optional.empty();
        }
        List<String> entries = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(names, StandardCharsets.UTF_8)) {
                String name = line.trim();
                if (name.isEmpty()) {
                    continue;
                }
                Path jar = lib.resolve(name).toAbsolutePath();
                if (!Files.isRegularFile(jar)) {
                    LOG.warn("{} names {}, which is not in {}: pipeline JVMs get this JVM's whole class path instead "
                            + "(rebuild the distribution, or copy its lib folder again)", names, name, lib);
                    return Optional.empty();
                }
                entries.add(jar.toString());
            }
        } catch (IOException e) {
            LOG.warn("cannot read {}: pipeline JVMs get this JVM's whole class path instead ({})", names, e.toString());
            return Optional.empty();
        }
        if (entries.isEmpty()) {
            LOG.warn("{} names no jar: pipeline JVMs get this JVM's whole class path instead", names);
            return Optional.empty();
        }
        return Optional.of(String.join(File.pathSeparator, entries));
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

    /** The folder of the jar this class was loaded from; empty when it came from a classes directory. */
    private static Optional<Path> ownFolder() {
        Path own = Path.of(ownLocation());
        return Files.isRegularFile(own) ? Optional.ofNullable(own.toAbsolutePath().getParent()) : Optional.empty();
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
