package dev.mlbatch.expression.function;

import dev.mlbatch.expression.tree.ExpressionNode;

import java.util.ArrayList;
import java.util.List;

/** {@code hasTags("a", ...)}: true when the event's metadata carries every tag. */
final class HasTagsFunction implements ExpressionFunction {
    @Override
    public String name() {
        return "hasTags";
    }

    @Override
    public ExpressionNode bind(final List<FunctionArgument> arguments, final String source) {
        FunctionArguments.requireCount(name(), arguments, 1, Integer.MAX_VALUE);
        final List<String> tags = new ArrayList<>();
        for (final FunctionArgument argument : arguments) {
            FunctionArguments.requireLiteral(name(), argument, "tag");
            if (argument.literal().isEmpty()) {
                throw new InvalidFunctionCallException(name() + "() tags must not be empty", argument);
            }
            tags.add(argument.literal());
        }
        final List<String> required = List.copyOf(tags);
        return event -> event.getMetadata().hasTags(required);
    }
}
