package dev.mlbatch.expression.function;

import dev.mlbatch.expression.tree.EvaluationErrors;
import dev.mlbatch.expression.tree.ExpressionNode;

import java.util.List;

/**
 * {@code substringAfter}, {@code substringAfterLast}, {@code substringBefore}, {@code substringBeforeLast}
 * ({@code (source, delimiter)}): when the delimiter is not found the source is returned; a missing source gives null.
 */
final class SubstringFunction implements ExpressionFunction {
    private enum Mode { AFTER, AFTER_LAST, BEFORE, BEFORE_LAST }

    private final String name;
    private final Mode mode;

    private SubstringFunction(final String name, final Mode mode) {
        this.name = name;
        this.mode = mode;
    }

    static List<ExpressionFunction> all() {
        return List.of(
                new SubstringFunction("substringAfter", Mode.AFTER),
                new SubstringFunction("substringAfterLast", Mode.AFTER_LAST),
                new SubstringFunction("substringBefore", Mode.BEFORE),
                new SubstringFunction("substringBeforeLast", Mode.BEFORE_LAST));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ExpressionNode bind(final List<FunctionArgument> arguments, final String source) {
        FunctionArguments.requireCount(name, arguments, 2, 2);
        final FunctionArgument text = arguments.get(0);
        final FunctionArgument delimiter = arguments.get(1);
        return event -> {
            final Object value = text.resolve(event);
            if (value == null) {
                return null;
            }
            if (!(value instanceof String)) {
                throw EvaluationErrors.failure(source, text.source() + " is a " + EvaluationErrors.typeOf(value)
                        + ", not a string");
            }
            final Object separator = delimiter.resolve(event);
            if (!(separator instanceof String)) {
                throw EvaluationErrors.failure(source, "the delimiter " + delimiter.source() + " is "
                        + EvaluationErrors.typeOf(separator) + ", not a string");
            }
            return apply((String) value, (String) separator);
        };
    }

    private String apply(final String value, final String separator) {
        final int index = (mode == Mode.AFTER || mode == Mode.BEFORE)
                ? value.indexOf(separator) : value.lastIndexOf(separator);
        if (index < 0) {
            return value;
        }
        switch (mode) {
            case AFTER:
            case AFTER_LAST:
                return value.substring(index + separator.length());
            default:
                return value.substring(0, index);
        }
    }
}
