package dev.mlbatch.expression;

import dev.mlbatch.expression.tree.ExpressionNode;
import org.opensearch.dataprepper.expression.ExpressionEvaluationException;
import org.opensearch.dataprepper.model.event.Event;

/** A statement compiled once into an immutable node tree; safe to evaluate from any number of threads. */
final class CompiledStatement {
    private final String statement;
    private final ExpressionNode root;

    CompiledStatement(final String statement, final ExpressionNode root) {
        this.statement = statement;
        this.root = root;
    }

    Object evaluate(final Event event) {
        try {
            return root.evaluate(event);
        } catch (final ExpressionEvaluationException e) {
            throw new ExpressionEvaluationException(
                    "Unable to evaluate statement \"" + statement + "\": " + e.getMessage(), e);
        } catch (final RuntimeException e) {
            throw new ExpressionEvaluationException(
                    "Unable to evaluate statement \"" + statement + "\": " + e, e);
        }
    }
}
