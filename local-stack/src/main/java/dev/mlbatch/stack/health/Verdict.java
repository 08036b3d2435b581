package dev.mlbatch.stack.health;

/** How one part of the stack is doing. Only {@link #FAIL} makes {@code stack status} exit 3. */
public enum Verdict {
    OK("ok"),
    /** Works now, but needs attention soon (little disk left, ML tasks that do not end). */
    WARN("warn"),
    FAIL("FAIL");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public Verdict worse(Verdict other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
