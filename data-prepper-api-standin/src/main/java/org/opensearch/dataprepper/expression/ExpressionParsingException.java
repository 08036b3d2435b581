package org.opensearch.dataprepper.expression;

public class ExpressionParsingException extends RuntimeException {
    public ExpressionParsingException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
