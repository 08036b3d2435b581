package dev.mlbatch.compat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code mlbatch deploy}: our five plugin jars into a Data Prepper's {@code lib/}, with exactly the runtime
 * dependencies {@code lib/} lacks; upstream's jars whose plugin names ours take moved to {@code lib.replaced/}; a
 * {@code dev.mlbatch} INFO logger added to {@code config/log4j2*.properties}. What was done is written to
 * {@value #MANIFEST} so that {@link #undo} puts the folder back exactly.
 */
public final class Deployment {

    public static final String MANIFEST = ".mlbatch-deploy.json";
    public static final String REPLACED_DIR = "lib.replaced";
    static final String DATA_PREPPER_PACKAGE = "org/opensearch/dataprepper/";
    /** The block appended to each log4j2 properties file; undo removes exactly this. */
    static final String LOGGER_BLOCK = "\n# added by mlbatch deploy (mlbatch deploy --undo removes it): our plugins log at INFO\n"
            + "logger.mlbatch.name = dev.mlbatch\nlogger.mlbatch.level = info\n";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Upstream's plugin module each of ours replaces, and what a user gives up with it (root README, name clash). */
    record Replacement(String ourArtifact, String upstreamModule, String plugin, String lost) {
    }

    static final List<Replacement> REPLACEMENTS = List.of(
            new Replacement("ml-inference-processor", "ml-inference-processor", "ml_inference processor",
                    "adding a built-in Bedrock model by dropping a connector JSON file into upstream's jar (ours knows upstream's"
                            + " three built-in models and calls Bedrock directly for them, as upstream does)"),
            new Replacement("s3-source-metadata-mode", "s3-source", "s3 source",
                    "SQS mode, S3 Select, top-level filters, folder_partitions (ours is scan mode only)"),
            new Replacement("opensearch-sink", "opensearch", "opensearch sink",
                    "whatever else upstream's opensearch jar provides (its sink options beyond ours)"),
            new Replacement("s3-sink", "s3-sink", "s3 sink",
                    "upstream-only s3 sink options such as local_file/multipart buffers, parquet/avro codecs"),
            new Replacement("s3-enrich-processor", "s3-enrich-processor", "s3_enrich processor",
                    "upstream's look-up of an output object's own name when it does not match s3_object_name_pattern"
                            + " (ours fails that event, tagged, with the reason)"));

    static final List<String> IN_MEMORY_STORE = List.of("data-prepper-in-memory-source-coordination-store",
            "in-memory-source-coordination-store");

    /** What a deploy did, as written to {@value #MANIFEST}. File names are relative to lib/ or lib.replaced/. */
    public record Manifest(int version, String deployedAt, List<String> copied, List<String> moved,
                           boolean createdReplacedDir, List<String> loggerFiles, Map<String, Long> modifiedNanos) {
    }

    private final Path bundle;
    private final PrintStream out;

    /** @param bundle the folder with our plugin jars and their runtime dependencies (compat/plugin-bundle/target/jars) */
    public Deployment(final Path bundle, final PrintStream out) {
        this.bundle = bundle;
        this.out = out;
    }

    /** Deploys into {@code home} (or, with {@code dryRun}, prints what it would do); returns what was done. */
    public Manifest deploy(final Path homeDir, final boolean dryRun) throws IOException {
        final DataPrepperHome home = DataPrepperHome.inspect(homeDir);
        home.requireApi();
        final Path manifestFile = homeDir.resolve(MANIFEST);
        if (Files.exists(manifestFile)) {
            throw new IllegalArgumentException(homeDir + " already has our plugins deployed (" + manifestFile
                    + "); run mlbatch deploy --undo " + homeDir + " first");
        }
        final String mode = dryRun ? "(dry run) would " : "";
        out.printf(Locale.ROOT, "Data Prepper at %s: data-prepper-api %s (we need %s or newer)%n", homeDir, home.apiVersion(),
                DataPrepperHome.MINIMUM_API);

        // What to copy: our jars, and each dependency lib/ has under no version. Refuse any Data Prepper class of ours.
        final List<JarCoordinates> ours = bundleJars();
        final List<JarCoordinates> toCopy = new ArrayList<>();
        // "group ours -> lib's" -> artifacts: one line per group and version pair (the AWS SDK alone is ~30 jars).
        final Map<String, List<String>> differentVersion = new TreeMap<>();
        int present = 0;
        for (final JarCoordinates jar : ours) {
            if (JarCoordinates.holdsClassesUnder(jar.file(), DATA_PREPPER_PACKAGE)) {
                throw new IllegalStateException(jar.file() + " holds org.opensearch.dataprepper classes; it must never go"
                        + " into a Data Prepper's lib/ (is the API stand-in on the plugins' runtime class path?)");
            }
            final Optional<JarCoordinates> inLib = "dev.mlbatch".equals(jar.groupId()) ? Optional.empty()
                    : home.lib().stream().filter(jar::sameLibrary).findFirst();
            if (inLib.isPresent()) {
                present++;
                if (!String.valueOf(inLib.get().version()).equals(jar.version())) {
                    differentVersion.computeIfAbsent((jar.groupId() == null ? jar.artifactId() : jar.groupId()) + " " + jar.version()
                            + " -> lib's " + inLib.get().version(), k -> new ArrayList<>()).add(jar.artifactId());
                }
            } else {
                if (Files.exists(home.libDir().resolve(jar.file().getFileName()))) {
                    throw new IllegalStateException("lib/ already has a file named " + jar.file().getFileName()
                            + " that is not " + jar.key() + "; not overwriting it");
                }
                toCopy.add(jar);
            }
        }

        // Upstream's jars whose plugin names ours take.
        final List<Path> toMove = new ArrayList<>();
        final List<Replacement> replaced = new ArrayList<>();
        for (final Replacement r : REPLACEMENTS) {
            final List<JarCoordinates> upstream = home.lib().stream()
                    .filter(j -> j.artifactId().equals(r.upstreamModule()) || j.artifactId().equals("data-prepper-" + r.upstreamModule()))
                    .filter(j -> j.groupId() == null ? JarCoordinates.holdsClassesUnder(j.file(), DATA_PREPPER_PACKAGE + "plugins/")
                            : j.groupId().startsWith("org.opensearch.dataprepper"))
                    .toList();
            upstream.forEach(j -> toMove.add(j.file()));
            if (!upstream.isEmpty()) {
                replaced.add(r);
            }
        }

        final List<Path> loggerFiles = new ArrayList<>();
        final Path config = homeDir.resolve("config");
        if (Files.isDirectory(config)) {
            try (Stream<Path> files = Files.list(config)) {
                for (final Path f : files.filter(p -> p.getFileName().toString().matches("log4j2.*\\.properties")).sorted().toList()) {
                    if (Files.readString(f, StandardCharsets.UTF_8).contains("logger.mlbatch.name")) {
                        out.printf(Locale.ROOT, "  %s already has a dev.mlbatch logger; left as it is%n", homeDir.relativize(f));
                    } else {
                        loggerFiles.add(f);
                    }
                }
            }
        }

        for (final JarCoordinates jar : toCopy) {
            out.printf(Locale.ROOT, "%scopy %s -> lib/%s%n", dryRun ? "(dry run) would " : "", jar, jar.file().getFileName());
        }
        final int differing = differentVersion.values().stream().mapToInt(List::size).sum();
        out.printf(Locale.ROOT, "  %d runtime dependencies of our plugins are already in lib/ (lib's version is used)%s%n",
                present, differing == 0 ? "" : "; " + differing + " at another version than we build with:");
        differentVersion.forEach((versions, artifacts) -> out.printf(Locale.ROOT, "    %s (%s)%n", versions,
                artifacts.size() > 3 ? artifacts.size() + " artifacts" : String.join(", ", artifacts)));
        for (final Path jar : toMove) {
            out.printf(Locale.ROOT, "%smove lib/%s -> %s/ (upstream's plugin of the same name; kept, not deleted)%n",
                    mode, jar.getFileName(), REPLACED_DIR);
        }
        for (final Path f : loggerFiles) {
            out.printf(Locale.ROOT, "%sadd logger dev.mlbatch = info to %s (upstream's root logger is at warn)%n", mode, homeDir.relativize(f));
        }
        if (IN_MEMORY_STORE.stream().noneMatch(a -> home.find(a).isPresent())) {
            out.printf(Locale.ROOT, "WARNING: lib/ has no in-memory-source-coordination-store jar: our s3 source (like upstream's) "
                    + "then fails at start with \"Unable to find a plugin named 'in_memory'\" unless config/data-prepper-config.yaml "
                    + "configures another source_coordination store%n");
        } else {
            out.println("  the in_memory source coordination store is in lib/ (our s3 source needs a store)");
        }
        out.println("what you give up:");
        for (final Replacement r : REPLACEMENTS) {
            out.printf(Locale.ROOT, "  %s: %s%s%n", r.plugin(), replaced.contains(r) ? "" : "(upstream's jar not found in lib/) ", r.lost());
        }

        final boolean createReplacedDir = !toMove.isEmpty() && !Files.exists(homeDir.resolve(REPLACED_DIR));
        // Modification times of what deploy changes in place, so that undo leaves not even a changed timestamp.
        final Map<String, Long> modified = new TreeMap<>();
        final List<Path> touched = new ArrayList<>(List.of(homeDir, home.libDir()));
        touched.addAll(loggerFiles);
        if (loggerFiles.size() > 0) {
            touched.add(config);
        }
        if (Files.isDirectory(homeDir.resolve(REPLACED_DIR))) {
            touched.add(homeDir.resolve(REPLACED_DIR));
        }
        for (final Path p : touched) {
            modified.put(homeDir.relativize(p).toString(), Files.getLastModifiedTime(p).to(TimeUnit.NANOSECONDS));
        }
        final Manifest manifest = new Manifest(2, Instant.now().toString(),
                toCopy.stream().map(j -> j.file().getFileName().toString()).toList(),
                toMove.stream().map(p -> p.getFileName().toString()).toList(), createReplacedDir,
                loggerFiles.stream().map(f -> homeDir.relativize(f).toString()).toList(), modified);
        if (dryRun) {
            out.println("dry run: nothing was changed");
            return manifest;
        }
        // The manifest first: an interrupted deploy can still be undone (undo skips what is not there yet).
        JSON.writeValue(manifestFile.toFile(), manifest);
        for (final JarCoordinates jar : toCopy) {
            Files.copy(jar.file(), home.libDir().resolve(jar.file().getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        if (!toMove.isEmpty()) {
            Files.createDirectories(homeDir.resolve(REPLACED_DIR));
        }
        for (final Path jar : toMove) {
            Files.move(jar, homeDir.resolve(REPLACED_DIR).resolve(jar.getFileName()));
        }
        for (final Path f : loggerFiles) {
            Files.writeString(f, Files.readString(f, StandardCharsets.UTF_8) + LOGGER_BLOCK, StandardCharsets.UTF_8);
        }
        out.printf(Locale.ROOT, "deployed: %d jars copied, %d moved to %s/, %d logger files changed; undo with "
                + "mlbatch deploy --undo %s (record: %s)%n", toCopy.size(), toMove.size(), REPLACED_DIR, loggerFiles.size(),
                homeDir, MANIFEST);
        return manifest;
    }

    /** Puts {@code homeDir} back as it was before {@link #deploy}, from its manifest. */
    public void undo(final Path homeDir, final boolean dryRun) throws IOException {
        final Path manifestFile = homeDir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IllegalArgumentException(homeDir + " has no " + MANIFEST + ": nothing of ours was deployed there");
        }
        final Manifest m = JSON.readValue(manifestFile.toFile(), Manifest.class);
        final String mode = dryRun ? "(dry run) would " : "";
        final Path lib = homeDir.resolve("lib");
        final Path replacedDir = homeDir.resolve(REPLACED_DIR);
        for (final String name : m.moved()) {
            if (Files.exists(lib.resolve(name)) && Files.exists(replacedDir.resolve(name))) {
                throw new IllegalStateException("lib/" + name + " exists again next to " + REPLACED_DIR + "/" + name
                        + "; not overwriting it (remove one of them and run --undo again)");
            }
        }
        for (final String name : m.loggerFiles()) {
            if (!Files.readString(homeDir.resolve(name), StandardCharsets.UTF_8).endsWith(LOGGER_BLOCK)) {
                throw new IllegalStateException(homeDir.resolve(name) + " no longer ends with the dev.mlbatch logger lines"
                        + " deploy added; remove them by hand (logger.mlbatch.*) and run --undo again");
            }
        }
        for (final String name : m.copied()) {
            out.printf(Locale.ROOT, "%sremove lib/%s%n", mode, name);
            if (!dryRun) {
                Files.deleteIfExists(lib.resolve(name));
            }
        }
        for (final String name : m.moved()) {
            out.printf(Locale.ROOT, "%smove %s/%s -> lib/%n", mode, REPLACED_DIR, name);
            if (!dryRun && Files.exists(replacedDir.resolve(name))) {
                Files.move(replacedDir.resolve(name), lib.resolve(name));
            }
        }
        if (m.createdReplacedDir() && Files.isDirectory(replacedDir)) {
            try (Stream<Path> left = Files.list(replacedDir)) {
                if (left.findAny().isEmpty()) {
                    out.printf(Locale.ROOT, "%sremove the empty %s/%n", mode, REPLACED_DIR);
                    if (!dryRun) {
                        Files.delete(replacedDir);
                    }
                }
            }
        }
        for (final String name : m.loggerFiles()) {
            final Path f = homeDir.resolve(name);
            final String text = Files.readString(f, StandardCharsets.UTF_8);
            out.printf(Locale.ROOT, "%sremove the dev.mlbatch logger from %s%n", mode, name);
            if (!dryRun) {
                Files.writeString(f, text.substring(0, text.length() - LOGGER_BLOCK.length()), StandardCharsets.UTF_8);
            }
        }
        if (!dryRun) {
            Files.delete(manifestFile);
            // Deepest first: setting a file's time does not change its folder's, but the order keeps that obvious.
            for (final Map.Entry<String, Long> e : new TreeMap<>(m.modifiedNanos() == null ? Map.<String, Long>of() : m.modifiedNanos()).descendingMap().entrySet()) {
                final Path p = homeDir.resolve(e.getKey());
                if (Files.exists(p)) {
                    Files.setLastModifiedTime(p, FileTime.from(e.getValue(), TimeUnit.NANOSECONDS));
                }
            }
            out.printf(Locale.ROOT, "undone: %s is as it was before mlbatch deploy%n", homeDir);
        } else {
            out.println("dry run: nothing was changed");
        }
    }

    private List<JarCoordinates> bundleJars() throws IOException {
        if (!Files.isDirectory(bundle)) {
            throw new IllegalStateException("our plugin jars are not built: " + bundle + " does not exist (run ./mlbatch build)");
        }
        try (Stream<Path> files = Files.list(bundle)) {
            final List<JarCoordinates> jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted()
                    .map(JarCoordinates::read).toList();
            for (final Replacement r : REPLACEMENTS) {
                if (jars.stream().noneMatch(j -> "dev.mlbatch".equals(j.groupId()) && j.artifactId().equals(r.ourArtifact()))) {
                    throw new IllegalStateException(bundle + " lacks our " + r.ourArtifact() + " jar (run ./mlbatch build)");
                }
            }
            return jars;
        }
    }
}
