package dev.mlbatch.expression.tree;

/**
 * Binary numeric promotion over the number types the language knows (Integer, Long, Float, Double), the way Java
 * promotes primitives: the wider operand decides the type of the operation. Other numbers (BigDecimal) are not
 * supported by relational or arithmetic operators, as upstream.
 */
public final class NumericPromotion {
    private static final int INT = 0;
    private static final int LONG = 1;
    private static final int FLOAT = 2;
    private static final int DOUBLE = 3;
    private static final int UNSUPPORTED = -1;

    private NumericPromotion() {
    }

    private static int rank(final Object value) {
        if (value instanceof Integer) {
            return INT;
        }
        if (value instanceof Long) {
            return LONG;
        }
        if (value instanceof Float) {
            return FLOAT;
        }
        if (value instanceof Double) {
            return DOUBLE;
        }
        return UNSUPPORTED;
    }

    public static boolean isSupported(final Object value) {
        return rank(value) != UNSUPPORTED;
    }

    public static boolean bothSupported(final Object left, final Object right) {
        return rank(left) != UNSUPPORTED && rank(right) != UNSUPPORTED;
    }

    /** Relational comparison of two supported numbers; any comparison with NaN is false. */
    public static boolean compare(final Object left, final Object right, final RelationalOperator operator) {
        final Number l = (Number) left;
        final Number r = (Number) right;
        final int wider = Math.max(rank(left), rank(right));
        switch (wider) {
            case INT:
                return operator.test(Integer.compare(l.intValue(), r.intValue()));
            case LONG:
                return operator.test(Long.compare(l.longValue(), r.longValue()));
            case FLOAT: {
                final float a = l.floatValue();
                final float b = r.floatValue();
                return !Float.isNaN(a) && !Float.isNaN(b) && operator.test(a < b ? -1 : (a > b ? 1 : 0));
            }
            default: {
                final double a = l.doubleValue();
                final double b = r.doubleValue();
                return !Double.isNaN(a) && !Double.isNaN(b) && operator.test(a < b ? -1 : (a > b ? 1 : 0));
            }
        }
    }

    /** Upstream's numeric equality: compared as floats when a Float is involved, else as doubles or exactly. */
    public static boolean numericEquals(final Object left, final Object right) {
        final Number l = (Number) left;
        final Number r = (Number) right;
        final int leftRank = rank(left);
        final int rightRank = rank(right);
        if (leftRank == FLOAT || rightRank == FLOAT) {
            return l.floatValue() == r.floatValue();
        }
        if (leftRank == DOUBLE || rightRank == DOUBLE) {
            return l.doubleValue() == r.doubleValue();
        }
        return l.longValue() == r.longValue();
    }

    public static Number add(final Number l, final Number r) {
        switch (Math.max(rank(l), rank(r))) {
            case INT:
                return l.intValue() + r.intValue();
            case LONG:
                return l.longValue() + r.longValue();
            case FLOAT:
                return l.floatValue() + r.floatValue();
            default:
                return l.doubleValue() + r.doubleValue();
        }
    }

    public static Number subtract(final Number l, final Number r) {
        switch (Math.max(rank(l), rank(r))) {
            case INT:
                return l.intValue() - r.intValue();
            case LONG:
                return l.longValue() - r.longValue();
            case FLOAT:
                return l.floatValue() - r.floatValue();
            default:
                return l.doubleValue() - r.doubleValue();
        }
    }

    public static Number multiply(final Number l, final Number r) {
        switch (Math.max(rank(l), rank(r))) {
            case INT:
                return l.intValue() * r.intValue();
            case LONG:
                return l.longValue() * r.longValue();
            case FLOAT:
                return l.floatValue() * r.floatValue();
            default:
                return l.doubleValue() * r.doubleValue();
        }
    }

    /** Integer and long division give a double, as upstream; a float operand gives a float. */
    public static Number divide(final Number l, final Number r) {
        switch (Math.max(rank(l), rank(r))) {
            case INT:
            case LONG:
                return l.doubleValue() / r.doubleValue();
            case FLOAT:
                return l.floatValue() / r.floatValue();
            default:
                return l.doubleValue() / r.doubleValue();
        }
    }

    public static Number negate(final Number value) {
        switch (rank(value)) {
            case INT:
                return -value.intValue();
            case LONG:
                return -value.longValue();
            case FLOAT:
                return -value.floatValue();
            default:
                return -value.doubleValue();
        }
    }
}
