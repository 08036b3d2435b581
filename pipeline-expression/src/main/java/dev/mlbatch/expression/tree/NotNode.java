package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.model.event.Event;

/** Unary {@code not}; a non-boolean operand makes it false (not true). */
public final class NotNode implements ExpressionNode {
    private final ExpressionNode operand;

    public NotNode(final ExpressionNode operand) {
        this.operand = operand;
    }

    @Override
    public Object evaluate(final Event event) {
        final Object value = operand.evaluate(event);
        if (!(value instanceof Boolean)) {
            return Boolean.FALSE;
        }
        return !(Boolean) value;
    }
}
