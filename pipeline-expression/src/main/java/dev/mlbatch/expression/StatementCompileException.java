package dev.mlbatch.expression;

/** A statement that parses but can never evaluate (unknown function, bad regex, mixed set, ...); has a position. */
final class StatementCompileException extends RuntimeException {
    private final int offset;

    StatementCompileException(final int offset, final String message) {
        super(message);
        this.offset = offset;
    }

    int offset() {
        return offset;
    }
}
