package dev.mlbatch.compat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mlbatch deploy} and {@code mlbatch compat}: {@code --help}/{@code -h} print the options and exit 0, a usage
 * error exits 64 naming the bad option or value, and nothing is copied or started.
 */
class CommandLinesTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private PrintStream out() {
        out.reset();
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    private PrintStream err() {
        err.reset();
        return new PrintStream(err, true, StandardCharsets.UTF_8);
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void deployHelpAndUsageErrors(@TempDir final Path home) {
        for (final String help : new String[] {"--help", "-h"}) {
            assertEquals(0, DeployMain.run(new String[] {help}, out(), err()));
            assertTrue(printed().startsWith("usage: mlbatch deploy DATA_PREPPER_HOME [--dry-run] [--undo]"), printed());
            assertTrue(printed().contains("--dry-run") && printed().contains("--undo") && printed().contains("-h, --help"), printed());
        }
        assertEquals(64, DeployMain.run(new String[] {home.toString(), "--dryrun"}, out(), err()));
        assertTrue(errors().startsWith("mlbatch deploy: Unknown option: '--dryrun'"), errors());
        assertTrue(errors().contains("usage: mlbatch deploy DATA_PREPPER_HOME"), errors());
        assertEquals(64, DeployMain.run(new String[] {}, out(), err()));
        assertTrue(errors().startsWith("mlbatch deploy: DATA_PREPPER_HOME is missing"), errors());
        assertEquals(64, DeployMain.run(new String[] {home.toString(), "other"}, out(), err()));
        assertTrue(errors().contains("'other'"), errors());
        assertEquals("", printed());
    }

    @Test
    void compatHelpAndUsageErrors(@TempDir final Path home) throws Exception {
        for (final String help : new String[] {"--help", "-h"}) {
            assertEquals(0, CompatMain.run(new String[] {home.toString(), help}, out(), err()));
            assertTrue(printed().startsWith("usage: mlbatch compat DATA_PREPPER_HOME [--provider sagemaker|bedrock] [--records N]"), printed());
            for (final String option : new String[] {"--provider NAME", "--records N", "--versus-upstream", "-h, --help"}) {
                assertTrue(printed().contains(option), option + " in\n" + printed());
            }
        }
        assertEquals(64, CompatMain.run(new String[] {home.toString(), "--records", "many"}, out(), err()));
        assertTrue(errors().startsWith("mlbatch compat: Invalid value for option '--records': 'many' is not an int"), errors());
        assertEquals(64, CompatMain.run(new String[] {home.toString(), "--versus"}, out(), err()));
        assertTrue(errors().startsWith("mlbatch compat: Unknown option: '--versus'"), errors());
        assertEquals(64, CompatMain.run(new String[] {home.toString(), "--provider", "azure"}, out(), err()));
        assertTrue(errors().contains("unknown provider 'azure'"), errors());
        assertEquals(64, CompatMain.run(new String[] {"--records", "10"}, out(), err()));
        assertTrue(errors().startsWith("mlbatch compat: DATA_PREPPER_HOME is missing"), errors());
        assertEquals(64, CompatMain.run(new String[] {home.toString(), "--records", "0"}, out(), err()));
        assertTrue(errors().startsWith("mlbatch compat: --records must be at least 1, not 0"), errors());
        // A folder that is no Data Prepper is refused before anything is copied.
        assertEquals(64, CompatMain.run(new String[] {home.toString()}, out(), err()));
        assertTrue(errors().startsWith("mlbatch compat: ") && errors().contains(home.toString()), errors());
        assertEquals("", printed());
        try (var files = Files.list(home)) {
            assertEquals(0, files.count(), "nothing written into DATA_PREPPER_HOME");
        }
    }
}
