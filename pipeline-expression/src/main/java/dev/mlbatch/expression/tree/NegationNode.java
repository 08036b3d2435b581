package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.model.event.Event;

/** Unary minus; a non-number operand is an evaluation error. */
public final class NegationNode implements ExpressionNode {
    private final ExpressionNode operand;
    private final String source;

    public NegationNode(final ExpressionNode operand, final String source) {
        this.operand = operand;
        this.source = source;
    }

    @Override
    public Object evaluate(final Event event) {
        return apply(operand.evaluate(event));
    }

    public Object apply(final Object value) {
        if (!NumericPromotion.isSupported(value)) {
            throw EvaluationErrors.failure(source, "unary - needs a number, got " + EvaluationErrors.typeOf(value));
        }
        return NumericPromotion.negate((Number) value);
    }
}
