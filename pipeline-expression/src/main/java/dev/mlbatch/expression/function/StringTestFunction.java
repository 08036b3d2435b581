package dev.mlbatch.expression.function;

import dev.mlbatch.expression.tree.EvaluationErrors;
import dev.mlbatch.expression.tree.ExpressionNode;

import java.util.List;
import java.util.function.BiPredicate;

/**
 * {@code contains(a, b)} and {@code startsWith(a, b)}: each argument a quoted string or a pointer; a missing
 * pointer gives false, a pointer to a non-string is an evaluation error.
 */
final class StringTestFunction implements ExpressionFunction {
    private final String name;
    private final BiPredicate<String, String> test;

    private StringTestFunction(final String name, final BiPredicate<String, String> test) {
        this.name = name;
        this.test = test;
    }

    static StringTestFunction contains() {
        return new StringTestFunction("contains", String::contains);
    }

    static StringTestFunction startsWith() {
        return new StringTestFunction("startsWith", String::startsWith);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ExpressionNode bind(final List<FunctionArgument> arguments, final String source) {
        FunctionArguments.requireCount(name, arguments, 2, 2);
        final FunctionArgument first = arguments.get(0);
        final FunctionArgument second = arguments.get(1);
        return event -> {
            final Object text = first.resolve(event);
            final Object part = second.resolve(event);
            if (text == null || part == null) {
                return Boolean.FALSE;
            }
            return test.test(requireString(text, first, source), requireString(part, second, source));
        };
    }

    private static String requireString(final Object value, final FunctionArgument argument, final String source) {
        if (!(value instanceof String)) {
            throw EvaluationErrors.failure(source, argument.source() + " is a " + EvaluationErrors.typeOf(value)
                    + ", not a string");
        }
        return (String) value;
    }
}
