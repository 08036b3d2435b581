package dev.mlbatch.expression;

import org.opensearch.dataprepper.expression.ExpressionParsingException;

/**
 * An expression that does not parse or can never evaluate. {@link #positionalMessage()} is the description
 * {@link ExpressionSyntaxCheck} returns ({@code column 12: mismatched input '>' expecting ...}), so callers can
 * prefix it with where the expression came from.
 */
public class InvalidExpressionException extends ExpressionParsingException {
    private final String statement;
    private final int column;
    private final String problem;

    InvalidExpressionException(final String statement, final int column, final String problem) {
        super("Invalid expression \"" + statement + "\": " + positionalMessage(column, problem), null);
        this.statement = statement;
        this.column = column;
        this.problem = problem;
    }

    static String positionalMessage(final int column, final String problem) {
        return "column " + column + ": " + problem;
    }

    public String statement() {
        return statement;
    }

    /** 1-based character position of the error in the statement. */
    public int column() {
        return column;
    }

    /** What is wrong, without the position. */
    public String problem() {
        return problem;
    }

    /** {@code column N: problem}. */
    public String positionalMessage() {
        return positionalMessage(column, problem);
    }
}
