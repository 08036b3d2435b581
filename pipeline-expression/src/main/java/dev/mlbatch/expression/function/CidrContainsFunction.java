package dev.mlbatch.expression.function;

import dev.mlbatch.expression.tree.EvaluationErrors;
import dev.mlbatch.expression.tree.ExpressionNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code cidrContains(/ip, "cidr", ...)}: true when the address at the key lies in any block. Blocks are parsed
 * at compile time; a missing address gives false, a value that is not an IP address is an evaluation error.
 */
final class CidrContainsFunction implements ExpressionFunction {
    @Override
    public String name() {
        return "cidrContains";
    }

    @Override
    public ExpressionNode bind(final List<FunctionArgument> arguments, final String source) {
        FunctionArguments.requireCount(name(), arguments, 2, Integer.MAX_VALUE);
        final FunctionArgument address = arguments.get(0);
        FunctionArguments.requireEventKey(name(), address, "first argument (the address)");
        final List<CidrBlock> blocks = new ArrayList<>();
        for (final FunctionArgument argument : arguments.subList(1, arguments.size())) {
            FunctionArguments.requireLiteral(name(), argument, "CIDR block");
            blocks.add(CidrBlock.parse(argument.literal()).orElseThrow(() -> new InvalidFunctionCallException(
                    name() + "() " + argument.source() + " is not a valid CIDR block", argument)));
        }
        final List<CidrBlock> ranges = List.copyOf(blocks);
        return event -> {
            final Object value = address.resolve(event);
            if (value == null) {
                return Boolean.FALSE;
            }
            if (!(value instanceof String)) {
                throw EvaluationErrors.failure(source, address.source() + " is a " + EvaluationErrors.typeOf(value)
                        + ", not an IP address string");
            }
            final Optional<byte[]> bytes = CidrBlock.parseAddress((String) value);
            if (bytes.isEmpty()) {
                throw EvaluationErrors.failure(source, address.source() + " is not an IPv4 or IPv6 address");
            }
            for (final CidrBlock block : ranges) {
                if (block.contains(bytes.get())) {
                    return Boolean.TRUE;
                }
            }
            return Boolean.FALSE;
        };
    }
}
