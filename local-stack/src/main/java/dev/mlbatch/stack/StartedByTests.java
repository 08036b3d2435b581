package dev.mlbatch.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The marker {@code run/started-by-tests} in a state folder: this stack was started by the tests of a Maven build,
 * which then stops it at its end ({@code stack down-after-tests <build>}, bound to the last module that runs tests).
 * A stack started any other way (by {@code ./mlbatch stack up}, by an IDE run) has no marker and stays up.
 *
 * <p>The build is named by system property {@code mlbatch.testRun} (the root pom passes the build's start time to
 * every test JVM) and by the pid of the Maven JVM running it, so that a later build can take over a stack an
 * interrupted build left behind, but never one a build still running uses.
 */
public record StartedByTests(String build, long mavenPid) {

    public static final String BUILD_PROPERTY = "mlbatch.testRun";
    private static final String MAVEN_MAIN = "org.codehaus.plexus.classworlds.launcher.Launcher";

    /** The build this JVM's tests belong to, if they run under Maven with the root pom's property. */
    public static Optional<StartedByTests> ofThisJvm() {
        String build = System.getProperty(BUILD_PROPERTY, "");
        if (build.isBlank() || build.startsWith("${")) {
            return Optional.empty();
        }
        // Surefire and failsafe fork the test JVM from Maven's, sometimes through a shell.
        for (Optional<ProcessHandle> p = ProcessHandle.current().parent(); p.isPresent(); p = p.get().parent()) {
            if (ProcessControl.hasArgument(p.get().pid(), MAVEN_MAIN)) {
                return Optional.of(new StartedByTests(build, p.get().pid()));
            }
        }
        return Optional.empty();
    }

    public static Optional<StartedByTests> read(StackHome home) {
        Path file = file(home);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
            return Optional.of(new StartedByTests(p.getProperty("build", ""), Long.parseLong(p.getProperty("mavenPid", "-1"))));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public void write(StackHome home) {
        Path file = file(home);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, "# this stack was started by the tests of a Maven build, which stops it at its end\n"
                    + "build=" + build + "\nmavenPid=" + mavenPid + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    public static void remove(StackHome home) {
        try {
            Files.deleteIfExists(file(home));
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + file(home), e);
        }
    }

    /** The Maven JVM of that build still runs (its pid is alive and is a Maven JVM). */
    public boolean buildRunning() {
        return mavenPid > 0 && ProcessControl.hasArgument(mavenPid, MAVEN_MAIN);
    }

    private static Path file(StackHome home) {
        return home.root().resolve("run/started-by-tests");
    }
}
