package dev.mlbatch.expression.tree;

/** The four relational operators, applied to the sign of a comparison. */
public enum RelationalOperator {
    LESS_THAN("<"),
    LESS_THAN_OR_EQUAL("<="),
    GREATER_THAN(">"),
    GREATER_THAN_OR_EQUAL(">=");

    private final String symbol;

    RelationalOperator(final String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    boolean test(final int comparison) {
        switch (this) {
            case LESS_THAN:
                return comparison < 0;
            case LESS_THAN_OR_EQUAL:
                return comparison <= 0;
            case GREATER_THAN:
                return comparison > 0;
            default:
                return comparison >= 0;
        }
    }
}
