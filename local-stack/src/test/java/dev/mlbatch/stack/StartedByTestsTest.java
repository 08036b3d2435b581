package dev.mlbatch.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The marker of a stack started by a build's tests, and {@code stack down-after-tests}, on a state folder of its own. */
class StartedByTestsTest {

    @TempDir
    Path dir;

    @Test
    void aTestJvmOfThisBuildKnowsItsBuildAndMavenJvm() {
        assumeTrue(!System.getProperty(StartedByTests.BUILD_PROPERTY, "").isBlank(), "runs under the project's Maven build");
        StartedByTests self = StartedByTests.ofThisJvm().orElseThrow();
        assertEquals(System.getProperty(StartedByTests.BUILD_PROPERTY), self.build());
        assertTrue(self.buildRunning(), "the Maven JVM (pid " + self.mavenPid() + ") is an ancestor of this one and runs");
    }

    @Test
    void downAfterTestsStopsOnlyAStackThisBuildStarted() {
        StackHome home = new StackHome(dir).ensureDirs();
        new StartedByTests("build-1", 1).write(home);
        assertFalse(StartedByTests.read(home).orElseThrow().buildRunning(), "pid 1 is no Maven JVM");

        String other = run(home, "build-2");
        assertTrue(other.contains("as it is: another build's tests started it"), other);
        assertTrue(StartedByTests.read(home).isPresent(), "marker kept");

        String same = run(home, "build-1");
        assertTrue(same.contains("this build's tests started it") && same.contains("stack down"), same);
        assertTrue(StartedByTests.read(home).isEmpty(), "marker removed with the stack");

        String none = run(home, "build-1");
        assertTrue(none.contains("this build's tests did not start it"), none);
        assertFalse(Files.exists(home.envFile()));
    }

    private static String run(StackHome home, String build) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        assertEquals(0, StackMain.run(home, new String[] {"stack", "down-after-tests", build}, out, out));
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
