package dev.mlbatch.expression.function;

import dev.mlbatch.expression.tree.ExpressionNode;

import java.util.List;
import java.util.UUID;

/** The argument-less functions: {@code generateUuid()}, {@code getEventType()}, {@code now()}, {@code toJsonString()}. */
final class EventAttributeFunction implements ExpressionFunction {
    private final String name;
    private final ExpressionNode node;

    private EventAttributeFunction(final String name, final ExpressionNode node) {
        this.name = name;
        this.node = node;
    }

    static List<ExpressionFunction> all() {
        return List.of(
                new EventAttributeFunction("generateUuid", event -> UUID.randomUUID().toString()),
                new EventAttributeFunction("getEventType", event -> event.getMetadata().getEventType()),
                // Epoch milliseconds, as upstream.
                new EventAttributeFunction("now", event -> System.currentTimeMillis()),
                new EventAttributeFunction("toJsonString", event -> event.toJsonString()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ExpressionNode bind(final List<FunctionArgument> arguments, final String source) {
        FunctionArguments.requireCount(name, arguments, 0, 0);
        return node;
    }
}
