package dev.mlbatch.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code mlbatch bench}'s dispatch: the catalogue in --help, each benchmark's --help, usage errors exit 64. */
class BenchMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final String... args) throws Throwable {
        out.reset();
        err.reset();
        return BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEveryBenchmarkOnALineOfItsOwn() throws Throwable {
        for (final String help : new String[] {"--help", "-h"}) {
            assertEquals(0, run(help));
            assertTrue(out().startsWith("usage: mlbatch bench NAME [args]"), out());
            for (final BenchMain.Benchmark b : BenchMain.CATALOGUE) {
                assertTrue(out().matches("(?s).*\\n  " + b.name() + " +\\S.*"), b.name() + " in\n" + out());
            }
            assertEquals("", err());
        }
    }

    @Test
    void eachBenchmarkHasItsHelpWithoutRunning() throws Throwable {
        for (final BenchMain.Benchmark b : BenchMain.CATALOGUE) {
            assertEquals(0, run(b.name(), "--help"));
            assertTrue(out().startsWith("usage: mlbatch bench " + b.name() + " "), out());
            assertTrue(out().contains(b.className()), out());
        }
        assertEquals(0, run("scan", "--objects", "5", "-h"));
        assertTrue(out().contains("--peer DATA_PREPPER_HOME") && out().contains("--source-workers W"), out());
    }

    @Test
    void usageErrorsExit64AndNameWhatIsWrong() throws Throwable {
        assertEquals(64, run("nosuch"));
        assertTrue(err().startsWith("mlbatch bench: unknown benchmark 'nosuch' (runtime, expression, scan"), err());
        assertEquals(64, run());
        assertTrue(err().startsWith("mlbatch bench: name a benchmark: runtime"), err());
        assertEquals(64, run("--verbose"));
        assertTrue(err().contains("'--verbose'"), err());
        assertEquals(64, run("jobs", "--peer", "/x"));
        assertTrue(err().startsWith("mlbatch bench jobs: bench jobs has no --peer variant (those with one: runtime, scan, sink)"), err());
        // The benchmark's own check, passed on: its message and the benchmark's usage.
        assertEquals(64, run("ledger", "--bogus", "3"));
        assertTrue(err().startsWith("mlbatch bench ledger: unknown argument '--bogus'"), err());
        assertTrue(err().contains("usage: mlbatch bench ledger [--jobs N"), err());
        assertEquals("", out(), "nothing ran");
    }

    @Test
    void optionsReachTheBenchmarkAsTheyAre() throws Throwable {
        // --jobs=0 is the ledger benchmark's own option (BenchMain does not know it): its check answers, before any work.
        assertEquals(64, run("ledger", "--jobs=0"));
        assertTrue(err().startsWith("mlbatch bench ledger: ") && err().contains("'0'"), err());
    }
}
