package dev.mlbatch.expression.function;

import dev.mlbatch.expression.tree.ExpressionNode;

import java.util.List;

/** A built-in function. Binding checks the arguments once, when the statement is compiled. */
public interface ExpressionFunction {
    String name();

    /**
     * @param source the call as written, for evaluation error messages
     * @throws InvalidFunctionCallException when the arguments can never be valid
     */
    ExpressionNode bind(List<FunctionArgument> arguments, String source);
}
