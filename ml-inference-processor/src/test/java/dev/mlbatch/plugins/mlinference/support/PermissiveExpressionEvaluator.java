package dev.mlbatch.plugins.mlinference.support;

import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.model.event.Event;

import java.util.List;

/** For child-JVM tests that configure no ml_when: accepts every statement, evaluates none. */
public final class PermissiveExpressionEvaluator implements ExpressionEvaluator {
    @Override
    public Object evaluate(final String statement, final Event context) {
        throw new UnsupportedOperationException("no expressions in this test: " + statement);
    }

    @Override
    public Boolean isValidExpressionStatement(final String statement) {
        return true;
    }

    @Override
    public Boolean isValidFormatExpression(final String format) {
        return true;
    }

    @Override
    public List<String> extractDynamicKeysFromFormatExpression(final String format) {
        return List.of();
    }

    @Override
    public List<String> extractDynamicExpressionsFromFormatExpression(final String format) {
        return List.of();
    }
}
