package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.model.event.Event;

/** {@code /key typeof <type>}; a missing key is of no type (false). */
public final class TypeOfNode implements ExpressionNode {
    private final ExpressionNode operand;
    private final DataTypeName type;

    public TypeOfNode(final ExpressionNode operand, final DataTypeName type) {
        this.operand = operand;
        this.type = type;
    }

    @Override
    public Object evaluate(final Event event) {
        return type.matches(operand.evaluate(event));
    }
}
