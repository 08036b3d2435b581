package org.opensearch.dataprepper.expression;

public class ExpressionEvaluationException extends RuntimeException {
    public ExpressionEvaluationException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
