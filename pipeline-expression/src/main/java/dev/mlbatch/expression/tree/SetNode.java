package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.model.event.Event;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A set literal {@code {a, b, ...}}. Its members must all be numbers, all strings or all booleans; a set of
 * literals is checked and built once at compile time, a set with pointers or calls on every evaluation.
 */
public final class SetNode implements ExpressionNode {
    private final List<ExpressionNode> members;
    private final String source;

    public SetNode(final List<ExpressionNode> members, final String source) {
        this.members = List.copyOf(members);
        this.source = source;
    }

    public boolean isConstant() {
        return members.stream().allMatch(member -> member instanceof ConstantNode);
    }

    @Override
    public Set<Object> evaluate(final Event event) {
        final Set<Object> values = new LinkedHashSet<>();
        for (final ExpressionNode member : members) {
            values.add(member.evaluate(event));
        }
        final String problem = homogeneityProblem(values);
        if (problem != null) {
            throw EvaluationErrors.failure(source, problem);
        }
        return Collections.unmodifiableSet(values);
    }

    /** Null when the members are all numbers, all strings or all booleans; otherwise what is wrong. */
    public static String homogeneityProblem(final Set<Object> values) {
        int numbers = 0;
        int strings = 0;
        int booleans = 0;
        for (final Object value : values) {
            if (value instanceof Number) {
                numbers++;
            } else if (value instanceof String) {
                strings++;
            } else if (value instanceof Boolean) {
                booleans++;
            }
        }
        final int size = values.size();
        if (numbers == size || strings == size || booleans == size) {
            return null;
        }
        return "set members must all be numbers, all strings or all booleans";
    }
}
