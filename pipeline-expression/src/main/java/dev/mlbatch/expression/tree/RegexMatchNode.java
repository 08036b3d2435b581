package dev.mlbatch.expression.tree;

import org.opensearch.dataprepper.model.event.Event;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code =~} / {@code !~}: the whole left string must match the pattern on the right. A null left side is false for
 * both operators; a non-string side or an invalid pattern read from the event makes the match false.
 * A literal pattern is compiled once, when the statement is compiled.
 */
public final class RegexMatchNode implements ExpressionNode {
    private final ExpressionNode left;
    private final ExpressionNode right;
    private final Pattern literalPattern;
    private final boolean negated;

    public RegexMatchNode(final ExpressionNode left, final ExpressionNode right, final Pattern literalPattern,
                          final boolean negated) {
        this.left = left;
        this.right = right;
        this.literalPattern = literalPattern;
        this.negated = negated;
    }

    @Override
    public Object evaluate(final Event event) {
        final Object l = left.evaluate(event);
        final Object r = literalPattern == null ? right.evaluate(event) : null;
        if (!(l instanceof String)) {
            return Boolean.FALSE;
        }
        final Pattern pattern;
        if (literalPattern != null) {
            pattern = literalPattern;
        } else {
            if (!(r instanceof String)) {
                return Boolean.FALSE;
            }
            try {
                pattern = Pattern.compile((String) r);
            } catch (final PatternSyntaxException e) {
                return Boolean.FALSE;
            }
        }
        return pattern.matcher((String) l).matches() != negated;
    }
}
