package dev.mlbatch.runtime;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code mlbatch run}'s command line: help, and usage errors that exit 64 naming what is wrong. */
class MainCommandLineTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final String... args) throws InterruptedException {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheOptionsAndExitsZero() throws InterruptedException {
        for (final String help : new String[] {"--help", "-h"}) {
            out.reset();
            assertEquals(0, run("run", help));
            final String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.startsWith("usage: mlbatch run <pipelines.yaml|dir> [--config FILE] [--exit-when-done]"), text);
            assertTrue(text.contains("--config FILE") && text.contains("--exit-when-done") && text.contains("-h, --help"), text);
        }
        out.reset();
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("run"), out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBadOptionExits64AndNamesIt() throws InterruptedException {
        assertEquals(64, run("run", "p.yaml", "--exit-when-finished"));
        final String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("mlbatch run: Unknown option: '--exit-when-finished'"), text);
        assertTrue(text.contains("usage: mlbatch run <pipelines.yaml|dir>"), text);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing started");
    }

    @Test
    void missingPartsAreUsageErrors() throws InterruptedException {
        assertEquals(64, run("run"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("<pipelines.yaml|dir>"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(64, run("run", "p.yaml", "--config"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--config"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(64, run("run", "a.yaml", "b.yaml"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'b.yaml'"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(64, run());
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("mlbatch: name the command: run"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(64, run("start", "p.yaml"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'start'"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMissingPipelineFileIsAConfigurationErrorNotAUsageError() throws InterruptedException {
        assertEquals(Main.EXIT_CONFIGURATION_ERROR, run("run", "/nonexistent/pipelines.yaml", "--exit-when-done"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("/nonexistent/pipelines.yaml"), err.toString(StandardCharsets.UTF_8));
    }
}
