package dev.mlbatch.stack.health;

import java.io.PrintStream;
import java.util.List;

/**
 * The health of one part of the stack: a verdict, one line saying what was seen, and the lines below it (what is
 * wrong in detail, and the commands that fix it). A healthy part has no lines below.
 */
public record PartHealth(String part, Verdict verdict, String summary, List<String> details) {

    /** Width of the part column; the detail lines are indented past it and the verdict. */
    private static final String INDENT = " ".repeat(21);

    public PartHealth {
        details = List.copyOf(details);
    }

    public static PartHealth ok(String part, String summary) {
        return new PartHealth(part, Verdict.OK, summary, List.of());
    }

    public static PartHealth of(String part, Verdict verdict, String summary, List<String> details) {
        return new PartHealth(part, verdict, summary, details);
    }

    public boolean failed() {
        return verdict == Verdict.FAIL;
    }

    public void print(PrintStream out) {
        out.printf("%-15s %-5s %s%n", part, verdict.label(), summary);
        for (String line : details) {
            out.println(INDENT + line);
        }
    }
}
