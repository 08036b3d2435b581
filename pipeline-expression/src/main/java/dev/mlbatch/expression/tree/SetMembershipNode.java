package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.model.event.Event;

import java.util.Set;

/**
 * {@code in} / {@code not in}. Membership uses the same equality as {@code ==}, so {@code 200} (Integer) is in
 * {@code {200.0}}. A null left side is in no set.
 */
public final class SetMembershipNode implements ExpressionNode {
    private final ExpressionNode left;
    private final SetNode set;
    private final Set<Object> constantSet;
    private final boolean negated;

    public SetMembershipNode(final ExpressionNode left, final SetNode set, final boolean negated) {
        this.left = left;
        this.set = set;
        this.constantSet = set.isConstant() ? set.evaluate(null) : null;
        this.negated = negated;
    }

    @Override
    public Object evaluate(final Event event) {
        final Object value = left.evaluate(event);
        final Set<Object> members = constantSet != null ? constantSet : set.evaluate(event);
        return contains(members, value) != negated;
    }

    private static boolean contains(final Set<Object> members, final Object value) {
        if (value == null) {
            return false;
        }
        if (!(value instanceof Number)) {
            return members.contains(value);
        }
        for (final Object member : members) {
            if (EqualityNode.valuesEqual(value, member)) {
                return true;
            }
        }
        return false;
    }
}
