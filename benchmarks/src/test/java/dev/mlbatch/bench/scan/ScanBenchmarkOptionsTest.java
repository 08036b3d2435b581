package dev.mlbatch.bench.scan;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScanBenchmarkOptionsTest {
    @Test
    void defaults() {
        assertEquals(new ScanBenchmarkOptions(100_000, 1024, 2), ScanBenchmarkOptions.parse());
    }

    @Test
    void named_options_in_both_spellings() {
        final ScanBenchmarkOptions options = ScanBenchmarkOptions.parse("--objects", "1000000", "--big-mb=0", "--source-workers", "4");
        assertEquals(new ScanBenchmarkOptions(1_000_000, 0, 4), options);
        assertFalse(options.bigObject());
        assertTrue(ScanBenchmarkOptions.parse("--big-mb", "16").bigObject());
        assertEquals(1_000_000, ScanBenchmarkOptions.parse("--objects=1_000_000").objects());
    }

    @Test
    void the_old_positional_form_still_works() {
        assertEquals(new ScanBenchmarkOptions(2000, 16, 2), ScanBenchmarkOptions.parse("2000", "16"));
        assertEquals(new ScanBenchmarkOptions(5000, 0, 1), ScanBenchmarkOptions.parse("5000", "0", "1"));
    }

    @Test
    void errors_name_the_argument() {
        assertMessage("--objects must be a whole number, not 'many'", "--objects", "many");
        assertMessage("unknown option --object", "--object", "5");
        assertMessage("--objects needs a value", "--objects");
        assertMessage("--objects is given twice (as an option and by position)", "5000", "--objects", "6000");
        assertMessage("--big-mb must be 0 (no big object) or more, not -1", "--big-mb", "-1");
        assertMessage("--source-workers must be 1 to 1000 (the s3 source's range), not 0", "--source-workers", "0");
        assertMessage("too many arguments: 1 2 3 4", "1", "2", "3", "4");
    }

    private static void assertMessage(final String message, final String... args) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> ScanBenchmarkOptions.parse(args)).getMessage());
    }
}
