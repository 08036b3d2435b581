package dev.mlbatch.demo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mlbatch demo}, {@code index} and {@code search}: {@code --help} and {@code -h} print the options and exit 0,
 * a usage error exits 64 and names the bad option or value; nothing starts in either case.
 */
class CommandLinesTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private interface Command {
        int run(String[] args, PrintStream out, PrintStream err) throws Exception;
    }

    private int run(final Command command, final String... args) throws Exception {
        out.reset();
        err.reset();
        return command.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void demoHelpAndUsageErrors() throws Exception {
        for (final String help : new String[] {"--help", "-h"}) {
            assertEquals(0, run(DemoMain::run, "--records", "10", help));
            assertTrue(out().startsWith("usage: mlbatch demo [--records N] [--provider sagemaker|bedrock|bedrock-builtin|openai|cohere]\n"
                    + "                    [--keep-stack]\n"), out());
            assertTrue(out().contains("--records N") && out().contains("--provider NAME") && out().contains("--keep-stack")
                    && out().contains("-h, --help"), out());
            assertEquals("", err());
        }
        assertEquals(64, run(DemoMain::run, "--record", "10"));
        assertTrue(err().startsWith("mlbatch demo: Unknown options: '--record'"), err());
        assertTrue(err().contains("usage: mlbatch demo [--records N]"), err());
        assertEquals("", out(), "nothing started");
        assertEquals(64, run(DemoMain::run, "--records", "ten"));
        assertTrue(err().startsWith("mlbatch demo: Invalid value for option '--records': 'ten' is not an int"), err());
        assertEquals(64, run(DemoMain::run, "--provider", "azure"));
        assertTrue(err().contains("--provider") && err().contains("unknown provider 'azure' (sagemaker, bedrock"), err());
        assertEquals(64, run(DemoMain::run, "--records", "0"));
        assertTrue(err().startsWith("mlbatch demo: --records must be at least 1, not 0"), err());
        assertEquals(64, run(DemoMain::run, "--provider", "bedrock", "--records", "510"));
        assertTrue(err().startsWith("mlbatch demo: --records 510: Bedrock needs at least 100 records per job"), err());
        assertEquals(64, run(DemoMain::run, "extra"));
        assertTrue(err().contains("'extra'"), err());
        assertEquals("", out());
    }

    @Test
    void indexHelpAndUsageErrors() throws Exception {
        assertEquals(0, run(IndexMain::run, "--help"));
        assertTrue(out().startsWith("usage: mlbatch index FILE [--index NAME]"), out());
        for (final String option : new String[] {"--index NAME", "--provider NAME", "--text-field FIELD", "--id-field FIELD", "--keep-stack"}) {
            assertTrue(out().contains(option), option + " in\n" + out());
        }
        assertEquals(0, run(IndexMain::run, "-h"));
        assertTrue(out().startsWith("usage: mlbatch index"), out());
        assertEquals(64, run(IndexMain::run, "x.jsonl", "--text", "body"));
        assertTrue(err().startsWith("mlbatch index: Unknown options: '--text'"), err());
        assertEquals(64, run(IndexMain::run, "x.jsonl", "--index", "My_Index"));
        assertTrue(err().startsWith("mlbatch index: --index 'My_Index': use lowercase letters"), err());
        assertEquals(64, run(IndexMain::run));
        assertTrue(err().startsWith("mlbatch index: FILE is missing"), err());
        assertEquals(64, run(IndexMain::run, "a.jsonl", "b.jsonl"));
        assertTrue(err().contains("'b.jsonl'"), err());
        assertEquals(64, run(IndexMain::run, "a.jsonl", "--id-field"));
        assertTrue(err().contains("--id-field"), err());
        assertEquals("", out(), "nothing read, nothing started");
    }

    @Test
    void searchHelpAndUsageErrors() throws Exception {
        assertEquals(0, run(SearchMain::run, "--help"));
        assertTrue(out().startsWith("usage: mlbatch search INDEX \"query text\" [-k 10]"), out());
        assertTrue(out().contains("-k, --k K") && out().contains("--provider NAME"), out());
        assertEquals(0, run(SearchMain::run, "my-docs", "-h"));
        assertTrue(out().startsWith("usage: mlbatch search"), out());
        assertEquals(64, run(SearchMain::run, "my-docs", "q", "--top", "3"));
        assertTrue(err().startsWith("mlbatch search: Unknown option: '--top'"), err());
        assertEquals(64, run(SearchMain::run, "my-docs", "q", "-k", "many"));
        assertTrue(err().startsWith("mlbatch search: Invalid value for option '--k': 'many' is not an int"), err());
        assertEquals(64, run(SearchMain::run, "my-docs", "q", "-k", "0"));
        assertTrue(err().startsWith("mlbatch search: -k must be between 1 and 10000, not 0"), err());
        assertEquals(64, run(SearchMain::run, "my-docs"));
        assertTrue(err().startsWith("mlbatch search: the query text is missing"), err());
        assertEquals("", out());
    }
}
