package dev.mlbatch.stack.opensearch;

import dev.mlbatch.stack.StackHome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Turns the downloaded zips into a runnable node under {@code .mlbatch/opensearch-2.19.1/}:
 * unpack the integ-test distribution, add the {@code lang-painless} module it lacks, install
 * job-scheduler, ML Commons, k-NN and neural-search. Done once; a marker file says it is complete.
 */
public final class OpenSearchAssembler {

    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchAssembler.class);
    private static final String MARKER = ".mlbatch-assembled";

    private final StackHome home;
    private final MavenFetcher fetcher;

    public OpenSearchAssembler(StackHome home, MavenFetcher fetcher) {
        this.home = home;
        this.fetcher = fetcher;
    }

    public boolean isAssembled() {
        return Files.isRegularFile(home.openSearchDir().resolve(MARKER));
    }

    public Path ensureAssembled() throws IOException, InterruptedException {
        Path target = home.openSearchDir();
        if (isAssembled()) {
            return target;
        }
        long started = System.nanoTime();
        ensureDownloads();
        Path work = home.root().resolve("opensearch-assembly.tmp");
        deleteTree(work);
        Files.createDirectories(work);
        LOG.info("assembling OpenSearch {} under {}", StackHome.OPENSEARCH_VERSION, target);
        unzip(download(OpenSearchArtifact.DISTRIBUTION), work);
        Path node = work.resolve("opensearch-" + StackHome.OPENSEARCH_VERSION);
        try (Stream<Path> bins = Files.list(node.resolve("bin"))) {
            bins.forEach(p -> p.toFile().setExecutable(true, false));
        }
        addPainlessModule(node);
        for (OpenSearchArtifact plugin : OpenSearchArtifact.PLUGINS) {
            installPlugin(node, download(plugin));
        }
        deleteTree(target);
        Files.move(node, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(work);
        Files.writeString(target.resolve(MARKER), "assembled in " + (System.nanoTime() - started) / 1_000_000 + " ms\n");
        LOG.info("OpenSearch assembled in {} s", (System.nanoTime() - started) / 1_000_000_000);
        return target;
    }

    private void ensureDownloads() throws IOException, InterruptedException {
        for (OpenSearchArtifact artifact : OpenSearchArtifact.all()) {
            Path dir = artifact.subfolder().isEmpty() ? home.downloads() : home.downloads().resolve(artifact.subfolder());
            if (!Files.isRegularFile(dir.resolve(artifact.fileName()))) {
                fetcher.fetch(artifact, dir);
            }
        }
    }

    private Path download(OpenSearchArtifact artifact) {
        Path dir = artifact.subfolder().isEmpty() ? home.downloads() : home.downloads().resolve(artifact.subfolder());
        return dir.resolve(artifact.fileName());
    }

    private void addPainlessModule(Path node) throws IOException {
        Path module = node.resolve("modules/lang-painless");
        Files.createDirectories(module);
        for (OpenSearchArtifact jar : OpenSearchArtifact.PAINLESS) {
            Files.copy(download(jar), module.resolve(jar.fileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        String v = StackHome.OPENSEARCH_VERSION;
        Files.writeString(module.resolve("plugin-descriptor.properties"), String.join("\n",
                "description=An easy, safe and fast scripting language for OpenSearch",
                "version=" + v,
                "name=lang-painless",
                "classname=org.opensearch.painless.PainlessPlugin",
                "java.version=11",
                "opensearch.version=" + v,
                "extended.plugins=",
                "has.native.controller=false", ""), StandardCharsets.UTF_8);
        Files.writeString(module.resolve("plugin-security.policy"), String.join("\n",
                "grant {",
                "  // painless generates classes at run time",
                "  permission java.lang.RuntimePermission \"createClassLoader\";",
                "  permission java.lang.RuntimePermission \"getClassLoader\";",
                "};", ""), StandardCharsets.UTF_8);
    }

    private void installPlugin(Path node, Path zip) throws IOException, InterruptedException {
        LOG.info("installing plugin {}", zip.getFileName());
        ProcessBuilder pb = new ProcessBuilder(node.resolve("bin/opensearch-plugin").toString(), "install", "--batch",
                zip.toUri().toString())
                .redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", NodeJava.home().toString());
        pb.environment().remove("OPENSEARCH_JAVA_OPTS");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("plugin install of " + zip.getFileName() + " failed:\n" + output);
        }
    }

    private static void unzip(Path zip, Path into) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path out = into.resolve(entry.getName()).normalize();
                if (!out.startsWith(into)) {
                    throw new IOException("zip entry outside target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        }
    }
}
