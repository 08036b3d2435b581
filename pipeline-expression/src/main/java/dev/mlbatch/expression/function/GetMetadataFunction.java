package dev.mlbatch.expression.function;

import dev.mlbatch.expression.tree.ExpressionNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code getMetadata("key")}: a metadata attribute; a key with "/" walks nested maps ("a/b" is attribute a's
 * entry b). A missing attribute gives null.
 */
final class GetMetadataFunction implements ExpressionFunction {
    @Override
    public String name() {
        return "getMetadata";
    }

    @Override
    public ExpressionNode bind(final List<FunctionArgument> arguments, final String source) {
        FunctionArguments.requireCount(name(), arguments, 1, 1);
        final FunctionArgument argument = arguments.get(0);
        FunctionArguments.requireLiteral(name(), argument, "the attribute name");
        final String key = argument.literal();
        if (key.indexOf('/') < 0) {
            return event -> event.getMetadata().getAttribute(key);
        }
        final List<String> path = new ArrayList<>();
        for (final String segment : key.split("/")) {
            if (!segment.isEmpty()) {
                path.add(segment);
            }
        }
        if (path.isEmpty()) {
            throw new InvalidFunctionCallException(name() + "() attribute name must not be empty", argument);
        }
        return event -> {
            Object current = event.getMetadata().getAttributes();
            for (final String segment : path) {
                if (!(current instanceof Map)) {
                    return null;
                }
                current = ((Map<?, ?>) current).get(segment);
            }
            return current;
        };
    }
}
