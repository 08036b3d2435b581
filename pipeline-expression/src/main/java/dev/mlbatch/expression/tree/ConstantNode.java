package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.model.event.Event;

/** A literal (or a value folded at compile time). */
public final class ConstantNode implements ExpressionNode {
    private final Object value;

    public ConstantNode(final Object value) {
        this.value = value;
    }

    public Object value() {
        return value;
    }

    @Override
    public Object evaluate(final Event event) {
        return value;
    }
}
