package dev.mlbatch.expression.function;

import dev.mlbatch.expression.tree.EvaluationErrors;
import dev.mlbatch.expression.tree.ExpressionNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code join(/list)} or {@code join("delimiter", /list)}: the list's elements joined (default delimiter ",").
 * For a map, every list-valued entry is joined and other entries are kept. A missing key gives null.
 */
final class JoinFunction implements ExpressionFunction {
    private static final String DEFAULT_DELIMITER = ",";

    @Override
    public String name() {
        return "join";
    }

    @Override
    public ExpressionNode bind(final List<FunctionArgument> arguments, final String source) {
        FunctionArguments.requireCount(name(), arguments, 1, 2);
        final FunctionArgument list = arguments.get(arguments.size() - 1);
        FunctionArguments.requireEventKey(name(), list, "the list to join");
        final String delimiter;
        if (arguments.size() == 2) {
            FunctionArguments.requireLiteral(name(), arguments.get(0), "the delimiter");
            delimiter = arguments.get(0).literal();
        } else {
            delimiter = DEFAULT_DELIMITER;
        }
        return event -> {
            final Object value = list.resolve(event);
            if (value == null) {
                return null;
            }
            if (value instanceof List) {
                return join((List<?>) value, delimiter);
            }
            if (value instanceof Map) {
                final Map<Object, Object> joined = new LinkedHashMap<>();
                for (final Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    joined.put(entry.getKey(), entry.getValue() instanceof List
                            ? join((List<?>) entry.getValue(), delimiter) : entry.getValue());
                }
                return joined;
            }
            throw EvaluationErrors.failure(source, list.source() + " is a " + EvaluationErrors.typeOf(value)
                    + ", not a list or a map of lists");
        };
    }

    private static String join(final List<?> values, final String delimiter) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(delimiter));
    }
}
