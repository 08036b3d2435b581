package dev.mlbatch.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmClasspathTest {

    @TempDir
    Path lib;

    @Test
    void pipelineClasspathIsTheNamedJarsOfTheSameFolderInTheirOrder() throws IOException {
        jars("pipeline-runtime-0.1.0-SNAPSHOT.jar", "s3-sink-0.1.0-SNAPSHOT.jar", "onnxruntime-1.20.0.jar");
        Files.writeString(lib.resolve(JvmClasspath.PIPELINE_JARS),
                "s3-sink-0.1.0-SNAPSHOT.jar\n\npipeline-runtime-0.1.0-SNAPSHOT.jar\n", StandardCharsets.UTF_8);

        Optional<String> classpath = JvmClasspath.forPipelines(lib);

        assertEquals(Optional.of(String.join(File.pathSeparator,
                lib.resolve("s3-sink-0.1.0-SNAPSHOT.jar").toAbsolutePath().toString(),
                lib.resolve("pipeline-runtime-0.1.0-SNAPSHOT.jar").toAbsolutePath().toString())), classpath);
    }

    @Test
    void aFolderWithoutTheListHasNoPipelineClasspath() throws IOException {
        jars("pipeline-runtime-0.1.0-SNAPSHOT.jar");

        assertEquals(Optional.empty(), JvmClasspath.forPipelines(lib));
    }

    @Test
    void aListNamingAMissingJarIsNotUsed() throws IOException {
        jars("pipeline-runtime-0.1.0-SNAPSHOT.jar");
        Files.writeString(lib.resolve(JvmClasspath.PIPELINE_JARS),
                "pipeline-runtime-0.1.0-SNAPSHOT.jar\ns3-sink-0.1.0-SNAPSHOT.jar\n", StandardCharsets.UTF_8);

        assertEquals(Optional.empty(), JvmClasspath.forPipelines(lib));
    }

    @Test
    void anEmptyListIsNotUsed() throws IOException {
        Files.writeString(lib.resolve(JvmClasspath.PIPELINE_JARS), "\n", StandardCharsets.UTF_8);

        assertEquals(Optional.empty(), JvmClasspath.forPipelines(lib));
    }

    @Test
    void loadedFromAClassesFolderThePipelinesGetThisJvmsClasspath() {
        // Maven runs this test with local-stack's target/classes, not a jar in a lib folder.
        assertTrue(Files.isDirectory(Path.of(JvmClasspath.class.getProtectionDomain().getCodeSource().getLocation()
                .getPath())));
        assertEquals(JvmClasspath.current(), JvmClasspath.forPipelines());
    }

    private void jars(final String... names) throws IOException {
        for (String name : List.of(names)) {
            Files.write(lib.resolve(name), new byte[] {'P', 'K'});
        }
    }
}
