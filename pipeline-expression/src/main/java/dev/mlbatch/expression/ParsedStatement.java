package dev.mlbatch.expression;

/** The outcome of compiling a statement, cached either way so an invalid statement is not re-parsed per event. */
final class ParsedStatement {
    private final CompiledStatement compiled;
    private final InvalidExpressionException error;

    private ParsedStatement(final CompiledStatement compiled, final InvalidExpressionException error) {
        this.compiled = compiled;
        this.error = error;
    }

    static ParsedStatement valid(final CompiledStatement compiled) {
        return new ParsedStatement(compiled, null);
    }

    static ParsedStatement invalid(final InvalidExpressionException error) {
        return new ParsedStatement(null, error);
    }

    boolean isValid() {
        return compiled != null;
    }

    InvalidExpressionException error() {
        return error;
    }

    CompiledStatement compiledOrThrow() {
        if (compiled == null) {
            // A fresh exception per call: the cached one would carry the first caller's stack trace.
            throw new InvalidExpressionException(error.statement(), error.column(), error.problem());
        }
        return compiled;
    }
}
