package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.model.event.Event;

/** {@code < <= > >=}: numbers only; any other operand (null, string, BigDecimal) makes the comparison false. */
public final class RelationalNode implements ExpressionNode {
    private final ExpressionNode left;
    private final ExpressionNode right;
    private final RelationalOperator operator;

    public RelationalNode(final ExpressionNode left, final ExpressionNode right, final RelationalOperator operator) {
        this.left = left;
        this.right = right;
        this.operator = operator;
    }

    @Override
    public Object evaluate(final Event event) {
        final Object l = left.evaluate(event);
        final Object r = right.evaluate(event);
        if (l instanceof Integer && r instanceof Integer) {
            return operator.test(Integer.compare((Integer) l, (Integer) r));
        }
        if (!NumericPromotion.bothSupported(l, r)) {
            return Boolean.FALSE;
        }
        return NumericPromotion.compare(l, r, operator);
    }
}
