package dev.mlbatch.bench.expression;

import dev.mlbatch.expression.GrammarExpressionEvaluator;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Single-thread throughput of compiled-statement evaluation on one small event. Prints one line per statement and,
 * last, {@code expression: N evaluations/s (target >= 1000000)} for {@code /a == "x"}.
 * Argument: seconds to measure each statement (default 2).
 */
public final class ExpressionBenchmark {
    static final String HEADLINE_STATEMENT = "/a == \"x\"";
    static final long TARGET_PER_SECOND = 1_000_000L;

    private static final List<String> STATEMENTS = List.of(
            HEADLINE_STATEMENT,
            "/status >= 200 and /status < 300",
            "/status in {200, 201, 204}",
            "/message =~ \"ERROR.*\"",
            "length(/message) > 3 and /a != null",
            "/missing == null",
            "/status * 2 + 1");

    private ExpressionBenchmark() {
    }

    public static void main(final String[] args) {
        final double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        final ExpressionEvaluator evaluator = new GrammarExpressionEvaluator();
        final Event event = JacksonEvent.builder()
                .withEventType("event")
                .withData(Map.of("a", "x", "status", 201, "message", "ERROR disk full"))
                .build();
        double headline = 0;
        for (final String statement : STATEMENTS) {
            measure(evaluator, statement, event, (long) (0.5e9)); // warm-up: JIT and the statement cache
            final double perSecond = measure(evaluator, statement, event, (long) (seconds * 1e9));
            System.out.printf(Locale.ROOT, "  %-40s %,12.0f evaluations/s%n", statement, perSecond);
            if (statement.equals(HEADLINE_STATEMENT)) {
                headline = perSecond;
            }
        }
        System.out.printf(Locale.ROOT, "expression: %.0f evaluations/s (target >= %d)%n", headline, TARGET_PER_SECOND);
    }

    /** Evaluations per second of one statement on one thread, measured for about {@code nanos}. */
    public static double measure(final ExpressionEvaluator evaluator, final String statement, final Event event,
                                 final long nanos) {
        long evaluations = 0;
        int sink = 0;
        final long start = System.nanoTime();
        long elapsed;
        do {
            for (int i = 0; i < 10_000; i++) {
                // Folding the result into 'sink' keeps the JIT from discarding the evaluation.
                sink += evaluator.evaluate(statement, event).hashCode();
            }
            evaluations += 10_000;
            elapsed = System.nanoTime() - start;
        } while (elapsed < nanos);
        if (sink == 42) {
            System.out.print("");
        }
        return evaluations * 1e9 / elapsed;
    }
}
