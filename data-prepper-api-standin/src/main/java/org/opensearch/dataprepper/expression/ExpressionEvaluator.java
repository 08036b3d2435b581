package org.opensearch.dataprepper.expression;

import org.opensearch.dataprepper.model.event.Event;

import java.util.List;

public interface ExpressionEvaluator {
    Object evaluate(String statement, Event context);

    default Boolean evaluateConditional(final String statement, final Event context) {
        final Object result;
        try {
            result = evaluate(statement, context);
        } catch (final ExpressionParsingException e) {
            throw e;
        } catch (final ExpressionEvaluationException e) {
            return false;
        }
        if (result instanceof Boolean) {
            return (Boolean) result;
        }
        throw new ClassCastException("Unexpected expression return value of " + result);
    }

    Boolean isValidExpressionStatement(String statement);

    Boolean isValidFormatExpression(String format);

    List<String> extractDynamicKeysFromFormatExpression(String format);

    List<String> extractDynamicExpressionsFromFormatExpression(String format);
}
