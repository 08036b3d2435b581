package dev.mlbatch.expression.function;

/** A function call that can never work (wrong argument count or kind, bad pattern, bad CIDR); found at compile time. */
public class InvalidFunctionCallException extends RuntimeException {
    private final FunctionArgument argument;

    public InvalidFunctionCallException(final String message) {
        this(message, null);
    }

    /** @param argument the offending argument, so the error can point at it; null to point at the call */
    public InvalidFunctionCallException(final String message, final FunctionArgument argument) {
        super(message);
        this.argument = argument;
    }

    public FunctionArgument argument() {
        return argument;
    }
}
