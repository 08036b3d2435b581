package dev.mlbatch.expression.function;

import dev.mlbatch.expression.tree.ConstantNode;
import dev.mlbatch.expression.tree.EvaluationErrors;
import dev.mlbatch.expression.tree.ExpressionNode;

import java.lang.reflect.Array;
import java.util.List;
import java.util.Map;

/** {@code length(x)}: characters of a string, entries of a map, elements of a list; a missing key gives null. */
final class LengthFunction implements ExpressionFunction {
    @Override
    public String name() {
        return "length";
    }

    @Override
    public ExpressionNode bind(final List<FunctionArgument> arguments, final String source) {
        FunctionArguments.requireCount(name(), arguments, 1, 1);
        final FunctionArgument argument = arguments.get(0);
        if (!argument.isEventKey()) {
            return new ConstantNode(argument.literal().length());
        }
        return event -> {
            final Object value = argument.resolve(event);
            if (value == null) {
                return null;
            }
            if (value instanceof String) {
                return ((String) value).length();
            }
            if (value instanceof Map) {
                return ((Map<?, ?>) value).size();
            }
            if (value instanceof List) {
                return ((List<?>) value).size();
            }
            if (value.getClass().isArray()) {
                return Array.getLength(value);
            }
            throw EvaluationErrors.failure(source, argument.source() + " is a " + EvaluationErrors.typeOf(value)
                    + ", not a string, map or list");
        };
    }
}
