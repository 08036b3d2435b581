package dev.mlbatch.compat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JarCoordinatesTest {

    @TempDir
    Path tmp;

    @Test
    void readsPomPropertiesElseTheFileName() throws IOException {
        final JarCoordinates withPom = JarCoordinates.read(FakeDataPrepper.jar(tmp, "data-prepper-s3-source-2.16.0.jar",
                "org.opensearch.dataprepper.plugins", "s3-source", "2.16.0"));
        assertEquals("org.opensearch.dataprepper.plugins:s3-source:2.16.0", withPom.toString());
        final JarCoordinates fromName = JarCoordinates.read(FakeDataPrepper.jar(tmp, "armeria-grpc-1.32.5.jar", null, null, null));
        assertEquals("?:armeria-grpc:1.32.5", fromName.toString());
    }

    @Test
    void sameLibraryComparesGroupAndArtifactAndOnlyTheArtifactWhenAGroupIsUnknown() {
        final JarCoordinates sdk = new JarCoordinates("software.amazon.awssdk", "opensearch", "2.59.1", null);
        final JarCoordinates plugin = new JarCoordinates("org.opensearch.dataprepper.plugins", "opensearch", "2.16.0", null);
        final JarCoordinates unknown = new JarCoordinates(null, "opensearch", "1.3.14", null);
        assertFalse(sdk.sameLibrary(plugin));
        assertTrue(sdk.sameLibrary(new JarCoordinates("software.amazon.awssdk", "opensearch", "2.56.0", null)));
        assertTrue(unknown.sameLibrary(sdk));
    }

    @Test
    void versionsCompareByTheirNumbers() {
        assertTrue(DataPrepperHome.Version.parse("2.17.0-SNAPSHOT").compareTo(DataPrepperHome.MINIMUM_API) > 0);
        assertTrue(DataPrepperHome.Version.parse("2.15.9").compareTo(DataPrepperHome.MINIMUM_API) < 0);
        assertEquals(0, DataPrepperHome.Version.parse("2.16.0").compareTo(DataPrepperHome.MINIMUM_API));
        assertTrue(DataPrepperHome.Version.parse("2.9.0").compareTo(DataPrepperHome.MINIMUM_API) < 0);
    }
}
