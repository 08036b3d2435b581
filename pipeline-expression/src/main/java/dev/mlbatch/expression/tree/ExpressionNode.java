package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.model.event.Event;

/**
 * One compiled part of a statement. Nodes are immutable, so a compiled statement is shared by all threads.
 * A node signals an evaluation error with {@link org.opensearch.dataprepper.expression.ExpressionEvaluationException};
 * boolean operators never throw for wrongly typed operands, they evaluate to false (upstream's mismatch rule).
 */
public interface ExpressionNode {
    Object evaluate(Event event);
}
