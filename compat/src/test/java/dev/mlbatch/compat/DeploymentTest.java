package dev.mlbatch.compat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeploymentTest {

    @TempDir
    Path tmp;

    private Path bundle;
    private Path home;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private Deployment deployment;

    @BeforeEach
    void setUp() throws IOException {
        bundle = FakeDataPrepper.bundle(tmp.resolve("bundle"));
        home = FakeDataPrepper.home(tmp.resolve("dp"), "2.16.0");
        deployment = new Deployment(bundle, new PrintStream(printed, true, StandardCharsets.UTF_8));
        // Old times, so that a change made by deploy or undo would show in the snapshot's modification times.
        try (Stream<Path> paths = Files.walk(home)) {
            for (final Path p : paths.toList()) {
                Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));
            }
        }
    }

    private String output() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private Path lib(final String name) {
        return home.resolve("lib").resolve(name);
    }

    @Test
    void refusesAFolderWithoutLib() throws IOException {
        final Path empty = Files.createDirectories(tmp.resolve("not-dp"));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> deployment.deploy(empty, false));
        assertTrue(e.getMessage().contains("is not a Data Prepper: it has no lib/ directory"), e.getMessage());
    }

    @Test
    void refusesALibWithoutDataPrepperCore() throws IOException {
        Files.delete(lib("data-prepper-core-2.16.0.jar"));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> deployment.deploy(home, false));
        assertTrue(e.getMessage().contains("lib/ has no data-prepper-core-<version>.jar"), e.getMessage());
    }

    @Test
    void refusesAnApiOlderThan216AndNamesBothVersions() throws IOException {
        final Path old = FakeDataPrepper.home(tmp.resolve("old"), "2.15.1");
        final Map<String, String> before = FakeDataPrepper.snapshot(old);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> deployment.deploy(old, false));
        assertTrue(e.getMessage().contains("data-prepper-api 2.15.1"), e.getMessage());
        assertTrue(e.getMessage().contains("need Data Prepper 2.16 or newer"), e.getMessage());
        assertEquals(before, FakeDataPrepper.snapshot(old));
    }

    @Test
    void acceptsANewerApiAndReadsTheVersionFromTheFileNameWhenTheJarHasNoPomProperties() throws IOException {
        final Path newer = FakeDataPrepper.home(tmp.resolve("newer"), "2.17.0-SNAPSHOT");
        Files.delete(newer.resolve("lib/data-prepper-api-2.17.0-SNAPSHOT.jar"));
        FakeDataPrepper.jar(newer.resolve("lib"), "data-prepper-api-2.17.0-SNAPSHOT.jar", null, null, null, "org.opensearch.dataprepper.model.Api");
        deployment.deploy(newer, false);
        assertTrue(output().contains("data-prepper-api 2.17.0-SNAPSHOT (we need 2.16.0 or newer)"), output());
    }

    @Test
    void copiesOurJarsAndOnlyTheMissingDependencyMovesUpstreamsPluginsAndAddsTheLogger() throws IOException {
        deployment.deploy(home, false);

        for (final String a : new String[] {"ml-inference-processor", "s3-source-metadata-mode", "opensearch-sink", "s3-sink", "s3-enrich-processor"}) {
            assertTrue(Files.isRegularFile(lib(a + "-0.1.0-SNAPSHOT.jar")), a);
        }
        assertTrue(Files.isRegularFile(lib("eventstream-1.0.1.jar")));
        // One version of each library: lib/'s jackson-databind stays the only one.
        assertFalse(Files.exists(lib("jackson-databind-2.18.2.jar")));
        assertTrue(Files.exists(lib("jackson-databind-2.21.1.jar")));
        assertTrue(output().contains("com.fasterxml.jackson.core 2.18.2 -> lib's 2.21.1 (jackson-databind)"), output());

        final Path replaced = home.resolve(Deployment.REPLACED_DIR);
        for (final String name : new String[] {"data-prepper-ml-inference-processor-2.16.0.jar", "data-prepper-s3-source-2.16.0.jar",
                "data-prepper-s3-sink-2.16.0.jar", "data-prepper-s3-enrich-processor-2.16.0.jar", "opensearch-2.16.0.jar"}) {
            assertTrue(Files.isRegularFile(replaced.resolve(name)), name);
            assertFalse(Files.exists(lib(name)), name);
        }
        // OpenSearch's own jar has the same artifact name but no Data Prepper plugin in it.
        assertTrue(Files.exists(lib("opensearch-1.3.14.jar")));
        assertTrue(Files.exists(lib("data-prepper-in-memory-source-coordination-store-2.16.0.jar")));

        final String log4j = Files.readString(home.resolve("config/log4j2-rolling.properties"));
        assertTrue(log4j.contains("logger.mlbatch.name = dev.mlbatch\nlogger.mlbatch.level = info\n"), log4j);
        assertTrue(Files.isRegularFile(home.resolve(Deployment.MANIFEST)));
        assertTrue(output().contains("s3 source: SQS mode, S3 Select"), output());
        assertTrue(output().contains("the in_memory source coordination store is in lib/"), output());
    }

    @Test
    void undoRestoresTheFolderExactly() throws IOException {
        final Map<String, String> before = FakeDataPrepper.snapshot(home);
        deployment.deploy(home, false);
        assertFalse(before.equals(FakeDataPrepper.snapshot(home)));
        deployment.undo(home, false);
        assertEquals(before, FakeDataPrepper.snapshot(home));
        assertTrue(output().contains("undone: " + home + " is as it was before mlbatch deploy"), output());
    }

    @Test
    void dryRunsChangeNothing() throws IOException {
        final Map<String, String> before = FakeDataPrepper.snapshot(home);
        deployment.deploy(home, true);
        assertEquals(before, FakeDataPrepper.snapshot(home));
        assertTrue(output().contains("(dry run) would copy software.amazon.eventstream:eventstream:1.0.1 -> lib/eventstream-1.0.1.jar"), output());
        assertTrue(output().contains("(dry run) would move lib/data-prepper-s3-source-2.16.0.jar -> lib.replaced/"), output());

        deployment.deploy(home, false);
        final Map<String, String> deployed = FakeDataPrepper.snapshot(home);
        deployment.undo(home, true);
        assertEquals(deployed, FakeDataPrepper.snapshot(home));
        assertTrue(output().contains("(dry run) would move lib.replaced/data-prepper-s3-source-2.16.0.jar -> lib/"), output());
    }

    @Test
    void refusesASecondDeployAndAnUndoWithoutManifest() throws IOException {
        final IllegalArgumentException noManifest = assertThrows(IllegalArgumentException.class, () -> deployment.undo(home, false));
        assertTrue(noManifest.getMessage().contains("nothing of ours was deployed there"), noManifest.getMessage());
        deployment.deploy(home, false);
        final IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> deployment.deploy(home, false));
        assertTrue(twice.getMessage().contains("already has our plugins deployed"), twice.getMessage());
    }

    @Test
    void neverCopiesAJarWithDataPrepperClassesOfOurs() throws IOException {
        FakeDataPrepper.jar(bundle, "data-prepper-api-standin-0.1.0-SNAPSHOT.jar", "dev.mlbatch", "data-prepper-api-standin",
                "0.1.0-SNAPSHOT", "org.opensearch.dataprepper.model.event.Event");
        final Map<String, String> before = FakeDataPrepper.snapshot(home);
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> deployment.deploy(home, false));
        assertTrue(e.getMessage().contains("data-prepper-api-standin-0.1.0-SNAPSHOT.jar holds org.opensearch.dataprepper classes"), e.getMessage());
        assertEquals(before, FakeDataPrepper.snapshot(home));
    }

    @Test
    void undoRefusesToRemoveLoggerLinesTheUserChangedAndKeepsTheManifest() throws IOException {
        deployment.deploy(home, false);
        final Path log4j = home.resolve("config/log4j2-rolling.properties");
        Files.writeString(log4j, Files.readString(log4j) + "logger.other.name = x\n");
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> deployment.undo(home, false));
        assertTrue(e.getMessage().contains("no longer ends with the dev.mlbatch logger lines"), e.getMessage());
        assertTrue(Files.exists(home.resolve(Deployment.MANIFEST)));
    }

    @Test
    void warnsWhenTheInMemoryStoreIsMissing() throws IOException {
        Files.delete(lib("data-prepper-in-memory-source-coordination-store-2.16.0.jar"));
        deployment.deploy(home, true);
        assertTrue(output().contains("WARNING: lib/ has no in-memory-source-coordination-store jar"), output());
    }
}
