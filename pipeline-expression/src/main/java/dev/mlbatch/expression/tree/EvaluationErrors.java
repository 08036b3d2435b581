package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.expression.ExpressionEvaluationException;

/** Builds the evaluation errors nodes throw, so every message names the failing part of the statement. */
public final class EvaluationErrors {
    private EvaluationErrors() {
    }

    public static ExpressionEvaluationException failure(final String part, final String problem) {
        return new ExpressionEvaluationException("Unable to evaluate " + part + ": " + problem, null);
    }

    public static ExpressionEvaluationException failure(final String part, final String problem, final Throwable cause) {
        return new ExpressionEvaluationException("Unable to evaluate " + part + ": " + problem, cause);
    }

    /** Short description of a value's type for messages; never prints the value itself (it may be sensitive). */
    public static String typeOf(final Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }
}
