package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.model.event.Event;

/** {@code ==} and {@code !=}: null compares by reference, numbers across types, everything else with equals. */
public final class EqualityNode implements ExpressionNode {
    private final ExpressionNode left;
    private final ExpressionNode right;
    private final boolean negated;

    public EqualityNode(final ExpressionNode left, final ExpressionNode right, final boolean negated) {
        this.left = left;
        this.right = right;
        this.negated = negated;
    }

    @Override
    public Object evaluate(final Event event) {
        return valuesEqual(left.evaluate(event), right.evaluate(event)) != negated;
    }

    public static boolean valuesEqual(final Object l, final Object r) {
        if (l == null || r == null) {
            return l == r;
        }
        if (l instanceof Number && r instanceof Number && NumericPromotion.bothSupported(l, r)) {
            return NumericPromotion.numericEquals(l, r);
        }
        return l.equals(r);
    }
}
