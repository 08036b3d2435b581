package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.model.event.Event;

/**
 * {@code + - * / %}. Not a boolean operator, so a wrong operand is an evaluation error, not false.
 * {@code +} of two strings concatenates; {@code /} of two integers gives a double; {@code %} takes integers only.
 */
public final class ArithmeticNode implements ExpressionNode {
    private final ExpressionNode left;
    private final ExpressionNode right;
    private final ArithmeticOperator operator;
    private final String source;

    public ArithmeticNode(final ExpressionNode left, final ExpressionNode right, final ArithmeticOperator operator,
                          final String source) {
        this.left = left;
        this.right = right;
        this.operator = operator;
        this.source = source;
    }

    @Override
    public Object evaluate(final Event event) {
        return apply(left.evaluate(event), right.evaluate(event));
    }

    /** Also used at compile time to fold operations on literals. */
    public Object apply(final Object l, final Object r) {
        if (operator == ArithmeticOperator.ADD && l instanceof String && r instanceof String) {
            return (String) l + r;
        }
        if (operator == ArithmeticOperator.MODULO) {
            if (!(l instanceof Integer) || !(r instanceof Integer)) {
                throw mismatch(l, r, "integers");
            }
            if ((Integer) r == 0) {
                throw EvaluationErrors.failure(source, "modulo by zero");
            }
            return (Integer) l % (Integer) r;
        }
        if (!NumericPromotion.bothSupported(l, r)) {
            throw mismatch(l, r, operator == ArithmeticOperator.ADD
                    ? "numbers (Integer, Long, Float, Double) or two strings" : "numbers (Integer, Long, Float, Double)");
        }
        final Number a = (Number) l;
        final Number b = (Number) r;
        switch (operator) {
            case ADD:
                return NumericPromotion.add(a, b);
            case SUBTRACT:
                return NumericPromotion.subtract(a, b);
            case MULTIPLY:
                return NumericPromotion.multiply(a, b);
            default:
                return NumericPromotion.divide(a, b);
        }
    }

    private RuntimeException mismatch(final Object l, final Object r, final String expected) {
        return EvaluationErrors.failure(source, "operator " + operator.symbol() + " needs " + expected + ", got "
                + EvaluationErrors.typeOf(l) + " and " + EvaluationErrors.typeOf(r));
    }
}
