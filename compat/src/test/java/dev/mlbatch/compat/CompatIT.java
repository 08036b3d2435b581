package dev.mlbatch.compat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against a real Data Prepper: {@code DATA_PREPPER_HOME} (an official distribution or one a user built; never
 * changed, the tests work on copies). Skipped, and says so, when that variable is not set.
 */
class CompatIT {

    private static Path home;

    @BeforeEach
    void dataPrepperHome() {
        final String env = System.getenv("DATA_PREPPER_HOME");
        if (env == null || env.isBlank()) {
            System.out.println("CompatIT SKIPPED: DATA_PREPPER_HOME is not set (point it at a Data Prepper 2.16+ folder with bin/, lib/, config/)");
        }
        Assumptions.assumeTrue(env != null && !env.isBlank(), "DATA_PREPPER_HOME is not set: CompatIT skipped");
        home = Path.of(env).toAbsolutePath();
    }

    @Test
    void deployIntoACopyThenUndoLeavesItAsItWas(@TempDir final Path tmp) throws Exception {
        final Path copy = tmp.resolve("dp");
        CompatMain.copyTree(home, copy);
        final Map<String, String> before = FakeDataPrepper.snapshot(copy);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

        assertEquals(0, DeployMain.run(new String[] {copy.toString()}, print, print), out.toString(StandardCharsets.UTF_8));
        final DataPrepperHome deployed = DataPrepperHome.inspect(copy);
        for (final String ours : new String[] {"ml-inference-processor", "s3-source-metadata-mode", "opensearch-sink", "s3-sink", "s3-enrich-processor"}) {
            assertTrue(deployed.lib().stream().anyMatch(j -> "dev.mlbatch".equals(j.groupId()) && j.artifactId().equals(ours)), ours);
        }
        // One version of each group:artifact on the class path (upstream's lib/ has several classifiers of some
        // Netty native jars, all at one version), and no Data Prepper class of ours.
        final Map<String, java.util.Set<String>> versions = deployed.lib().stream().filter(j -> j.groupId() != null)
                .collect(java.util.stream.Collectors.groupingBy(JarCoordinates::key, java.util.TreeMap::new,
                        java.util.stream.Collectors.mapping(JarCoordinates::version, java.util.stream.Collectors.toSet())));
        versions.forEach((library, seen) -> assertEquals(1, seen.size(), library + " at " + seen));
        for (final JarCoordinates jar : deployed.lib()) {
            if ("dev.mlbatch".equals(jar.groupId())) {
                assertTrue(!JarCoordinates.holdsClassesUnder(jar.file(), Deployment.DATA_PREPPER_PACKAGE), jar.file().toString());
            }
        }
        assertTrue(Files.list(copy.resolve(Deployment.REPLACED_DIR)).count() >= 4);

        assertEquals(0, DeployMain.run(new String[] {copy.toString(), "--undo"}, print, print), out.toString(StandardCharsets.UTF_8));
        assertEquals(before, FakeDataPrepper.snapshot(copy));
    }

    @Test
    void theThreeSageMakerStagesIndexEveryRecordInsideTheRealDataPrepper() throws Exception {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final int exit = CompatMain.run(new String[] {home.toString(), "--provider", "sagemaker", "--records", "500"}, out);
        final String printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(printed);
        assertEquals(0, exit, printed);
        assertTrue(printed.contains("records in          500 = indexed 500 + rejected 0 + dead-lettered 0"), printed);
    }
}
