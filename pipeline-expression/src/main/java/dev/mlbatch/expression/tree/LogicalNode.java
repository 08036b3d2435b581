package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.model.event.Event;

/**
 * {@code and} / {@code or}. Both sides are always evaluated, as upstream does (so an evaluation error on the right
 * is reported even when the left side decides); a non-boolean side makes the result false.
 */
public final class LogicalNode implements ExpressionNode {
    private final ExpressionNode left;
    private final ExpressionNode right;
    private final boolean conjunction;

    public LogicalNode(final ExpressionNode left, final ExpressionNode right, final boolean conjunction) {
        this.left = left;
        this.right = right;
        this.conjunction = conjunction;
    }

    @Override
    public Object evaluate(final Event event) {
        final Object l = left.evaluate(event);
        final Object r = right.evaluate(event);
        if (!(l instanceof Boolean) || !(r instanceof Boolean)) {
            return Boolean.FALSE;
        }
        return conjunction ? (Boolean) l && (Boolean) r : (Boolean) l || (Boolean) r;
    }
}
