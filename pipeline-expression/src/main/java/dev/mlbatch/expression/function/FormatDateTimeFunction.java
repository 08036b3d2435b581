package dev.mlbatch.expression.function;

import dev.mlbatch.expression.tree.EvaluationErrors;
import dev.mlbatch.expression.tree.ExpressionNode;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.List;

/**
 * {@code formatDateTime(/key, "pattern"[, "destinationZone"[, "sourceZone"]])}: formats epoch milliseconds or an
 * ISO-8601 date-time string (a time without offset is read in the source zone, default UTC) in the destination zone
 * (default UTC). Pattern and zones are checked at compile time; a missing value gives null.
 */
final class FormatDateTimeFunction implements ExpressionFunction {
    @Override
    public String name() {
        return "formatDateTime";
    }

    @Override
    public ExpressionNode bind(final List<FunctionArgument> arguments, final String source) {
        FunctionArguments.requireCount(name(), arguments, 2, 4);
        final FunctionArgument value = arguments.get(0);
        FunctionArguments.requireEventKey(name(), value, "first argument (the date-time)");
        final FunctionArgument patternArgument = arguments.get(1);
        FunctionArguments.requireLiteral(name(), patternArgument, "the pattern");
        final ZoneId destinationZone = arguments.size() > 2 ? zone(arguments.get(2), "destination") : ZoneOffset.UTC;
        final ZoneId sourceZone = arguments.size() > 3 ? zone(arguments.get(3), "source") : ZoneOffset.UTC;
        final DateTimeFormatter formatter;
        try {
            formatter = DateTimeFormatter.ofPattern(patternArgument.literal()).withZone(destinationZone);
        } catch (final IllegalArgumentException e) {
            throw new InvalidFunctionCallException(name() + "() pattern " + patternArgument.source() + " is invalid: "
                    + e.getMessage(), patternArgument);
        }
        return event -> {
            final Object target = value.resolve(event);
            if (target == null) {
                return null;
            }
            try {
                if (target instanceof Number) {
                    return formatter.format(Instant.ofEpochMilli(((Number) target).longValue()));
                }
                if (target instanceof String) {
                    return formatter.format(parseIso((String) target, sourceZone));
                }
            } catch (final DateTimeException e) {
                throw EvaluationErrors.failure(source, "cannot format " + value.source() + ": " + e.getMessage(), e);
            }
            throw EvaluationErrors.failure(source, value.source() + " is a " + EvaluationErrors.typeOf(target)
                    + ", not epoch milliseconds or an ISO-8601 string");
        };
    }

    private static Instant parseIso(final String text, final ZoneId sourceZone) {
        final TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(text, ZonedDateTime::from,
                LocalDateTime::from);
        if (parsed instanceof ZonedDateTime) {
            return ((ZonedDateTime) parsed).toInstant();
        }
        return ((LocalDateTime) parsed).atZone(sourceZone).toInstant();
    }

    private ZoneId zone(final FunctionArgument argument, final String role) {
        FunctionArguments.requireLiteral(name(), argument, "the " + role + " time zone");
        try {
            return ZoneId.of(argument.literal());
        } catch (final DateTimeException e) {
            throw new InvalidFunctionCallException(name() + "() " + role + " time zone " + argument.source()
                    + " is invalid", argument);
        }
    }
}
