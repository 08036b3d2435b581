package dev.mlbatch.expression;

import org.opensearch.dataprepper.expression.ExpressionEvaluationException;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.expression.ExpressionParsingException;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventKeyFactory;
import org.opensearch.dataprepper.model.event.JacksonEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Data Prepper's {@link ExpressionEvaluator}, built on an ANTLR 4 grammar. Each distinct statement is parsed and
 * compiled once and cached (the same condition runs for every event); evaluation walks an immutable node tree, so
 * one instance serves all threads.
 */
public final class GrammarExpressionEvaluator implements ExpressionEvaluator {
    /** Statements come from configuration, so few are expected; the bound only guards against unbounded growth. */
    static final int MAX_CACHED_STATEMENTS = 10_000;

    private final StatementCompiler compiler;
    private final ConcurrentHashMap<String, ParsedStatement> statements = new ConcurrentHashMap<>();

    /** Reads event values by string key ({@code Event.get(String, Class)}). */
    public GrammarExpressionEvaluator() {
        this.compiler = new StatementCompiler(null);
    }

    /** Reads event values through keys made once per pointer by the runtime's factory. */
    public GrammarExpressionEvaluator(final EventKeyFactory eventKeyFactory) {
        this.compiler = new StatementCompiler(Objects.requireNonNull(eventKeyFactory, "eventKeyFactory"));
    }

    /**
     * @throws ExpressionParsingException (an {@link InvalidExpressionException}) when the statement is invalid
     * @throws ExpressionEvaluationException when it cannot be evaluated against this event
     */
    @Override
    public Object evaluate(final String statement, final Event context) {
        return parsed(statement).compiledOrThrow().evaluate(context);
    }

    @Override
    public Boolean isValidExpressionStatement(final String statement) {
        return parsed(statement).isValid();
    }

    /** True when every {@code ${...}} part is closed and is an event key or a valid expression. */
    @Override
    public Boolean isValidFormatExpression(final String format) {
        if (format == null) {
            return false;
        }
        final FormatStringParts parts = FormatStringParts.of(format);
        if (!parts.isComplete()) {
            return false;
        }
        for (final String part : parts.parts()) {
            if (!JacksonEvent.isValidEventKey(part) && !isValidExpressionStatement(part)) {
                return false;
            }
        }
        return true;
    }

    /** The parts that are event keys, each with a leading "/". */
    @Override
    public List<String> extractDynamicKeysFromFormatExpression(final String format) {
        final List<String> keys = new ArrayList<>();
        if (format == null) {
            return keys;
        }
        for (final String part : FormatStringParts.of(format).parts()) {
            if (JacksonEvent.isValidEventKey(part)) {
                keys.add(part.startsWith("/") ? part : "/" + part);
            }
        }
        return keys;
    }

    /** The parts that are not event keys but valid expressions, e.g. {@code getMetadata("day")}. */
    @Override
    public List<String> extractDynamicExpressionsFromFormatExpression(final String format) {
        final List<String> expressions = new ArrayList<>();
        if (format == null) {
            return expressions;
        }
        for (final String part : FormatStringParts.of(format).parts()) {
            if (!JacksonEvent.isValidEventKey(part) && isValidExpressionStatement(part)) {
                expressions.add(part);
            }
        }
        return expressions;
    }

    private ParsedStatement parsed(final String statement) {
        if (statement == null) {
            return compiler.parse(null);
        }
        final ParsedStatement cached = statements.get(statement);
        if (cached != null) {
            return cached;
        }
        final ParsedStatement parsed = compiler.parse(statement);
        if (statements.size() < MAX_CACHED_STATEMENTS) {
            final ParsedStatement raced = statements.putIfAbsent(statement, parsed);
            return raced != null ? raced : parsed;
        }
        return parsed;
    }
}
