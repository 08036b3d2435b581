package dev.mlbatch.expression.function;

import java.util.List;

/** Compile-time checks shared by the functions; each throws {@link InvalidFunctionCallException} naming the call. */
final class FunctionArguments {
    private FunctionArguments() {
    }

    static void requireCount(final String function, final List<FunctionArgument> arguments, final int min,
                             final int max) {
        final int count = arguments.size();
        if (count >= min && count <= max) {
            return;
        }
        final String expected;
        if (min == max) {
            expected = min == 0 ? "no arguments" : min + (min == 1 ? " argument" : " arguments");
        } else if (max == Integer.MAX_VALUE) {
            expected = "at least " + min + (min == 1 ? " argument" : " arguments");
        } else {
            expected = min + " to " + max + " arguments";
        }
        throw new InvalidFunctionCallException(function + "() takes " + expected + ", got " + count);
    }

    static void requireEventKey(final String function, final FunctionArgument argument, final String role) {
        if (!argument.isEventKey()) {
            throw new InvalidFunctionCallException(function + "() needs an unquoted JSON pointer as " + role
                    + ", got " + argument.source(), argument);
        }
    }

    static void requireLiteral(final String function, final FunctionArgument argument, final String role) {
        if (argument.isEventKey()) {
            throw new InvalidFunctionCallException(function + "() needs a quoted string as " + role
                    + ", got " + argument.source(), argument);
        }
    }
}
