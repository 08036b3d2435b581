package dev.mlbatch.stack;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A usage error exits 64, as every mlbatch command does, and says what would have been right. */
class StackMainUsageTest {
    @TempDir
    Path home;

    @ParameterizedTest
    @ValueSource(strings = {"", "stack", "stack sideways", "stak up", "jobs cancel"})
    void aUsageErrorExits64AndPrintsTheUsage(final String commandLine) {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        final String[] args = commandLine.isEmpty() ? new String[0] : commandLine.split(" ");
        final int code = StackMain.run(new StackHome(home), args, new PrintStream(new ByteArrayOutputStream()), errStream);
        assertEquals(StackMain.EXIT_USAGE, code, "'" + commandLine + "'");
        final String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("usage") || text.contains("unknown command"), text);
    }
}
