package dev.mlbatch.expression;

import java.util.Optional;

/**
 * Start-up validation of expressions from configuration: tells what is wrong with a statement and where, e.g.
 * {@code column 12: mismatched input '>' expecting ...}. The caller adds which pipeline, plugin and key it came from.
 */
public final class ExpressionSyntaxCheck {
    private static final StatementCompiler COMPILER = new StatementCompiler(null);

    private ExpressionSyntaxCheck() {
    }

    /** Empty when the statement is valid; otherwise {@code column N: problem} (N is the 1-based character position). */
    public static Optional<String> findError(final String statement) {
        final ParsedStatement parsed = COMPILER.parse(statement);
        return parsed.isValid() ? Optional.empty() : Optional.of(parsed.error().positionalMessage());
    }
}
