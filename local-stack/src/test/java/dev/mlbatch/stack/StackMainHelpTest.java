package dev.mlbatch.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --help on every command and subcommand (exit 0, its own usage on stdout); usage errors exit 64; a bad price file. */
class StackMainHelpTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String commandLine) {
        return StackMain.run(new StackHome(home), commandLine.isEmpty() ? new String[0] : commandLine.split(" "),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource({
        "--help, usage: mlbatch",
        "stack --help, usage: mlbatch stack",
        "stack up --help, usage: mlbatch stack up",
        "stack down -h, usage: mlbatch stack down",
        "stack status --help, usage: mlbatch stack status",
        "stack reset --help, --yes",
        "setup --help, usage: mlbatch setup",
        "jobs --help, --prices=FILE",
        "jobs cancel --help, usage: mlbatch jobs cancel",
    })
    void helpPrintsTheCommandsUsageAndExits0(String commandLine, String expected) {
        assertEquals(0, run(commandLine));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains(expected), text);
        assertFalse(Files.exists(home.resolve("run")), "--help started nothing");
    }

    @ParameterizedTest
    @CsvSource({
        "stack up --bogus, Unknown option: '--bogus'",
        "jobs --watch extra, Unmatched argument",
        "stack reset --no, Unknown option: '--no'",
        "jobs --prices, Missing required parameter for option '--prices'",
    })
    void aUsageErrorExits64NamingTheProblemAndTheCommandsUsage(String commandLine, String expected) {
        assertEquals(StackMain.EXIT_USAGE, run(commandLine));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains(expected), text);
        assertTrue(text.contains("usage: mlbatch"), text);
    }

    @Test
    void aBadPriceFileIsNamedWithItsLineAndKeyBeforeTheStackIsAsked() throws Exception {
        Path prices = home.resolve("my-prices.json");
        Files.writeString(prices, "{\n  \"bedrock\": {\n    \"per_1k_input_tokens\": {\"amazon.titan-embed-text-v2:0\": \"cheap\"}}}\n");
        assertEquals(1, run("jobs --prices " + prices));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains(prices + ":3: key 'bedrock.per_1k_input_tokens.amazon.titan-embed-text-v2:0': must be a number"), text);
    }

    @Test
    void jobsWithoutAStackExits3() {
        assertEquals(3, run("jobs"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("the stack is not up"));
    }
}
