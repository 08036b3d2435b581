package dev.mlbatch.expression;

import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The evaluator API beyond single evaluations: conditionals, format strings, caching, threads. */
class GrammarExpressionEvaluatorTest {
    private final GrammarExpressionEvaluator evaluator = new GrammarExpressionEvaluator();
    private final Event event = SampleEvents.sample();

    @Test
    void evaluateConditionalReturnsBooleanResults() {
        assertTrue(evaluator.evaluateConditional("/num == 42", event));
        assertFalse(evaluator.evaluateConditional("/num == 41", event));
        assertTrue(evaluator.evaluateConditional("not (/str > 5)", event));
    }

    @Test
    void evaluateConditionalRejectsNonBooleanResults() {
        assertThrows(ClassCastException.class, () -> evaluator.evaluateConditional("/num", event));
    }

    @Test
    void evaluateConditionalIsFalseOnEvaluationErrors() {
        assertFalse(evaluator.evaluateConditional("/str + 1 == 2", event));
    }

    @Test
    void argumentlessFunctions() {
        final String uuid = (String) evaluator.evaluate("generateUuid()", event);
        assertEquals(uuid, UUID.fromString(uuid).toString());
        assertNotEquals(uuid, evaluator.evaluate("generateUuid()", event));

        final long before = System.currentTimeMillis();
        final long now = (Long) evaluator.evaluate("now()", event);
        assertTrue(now >= before && now <= System.currentTimeMillis());
        assertTrue(evaluator.evaluateConditional("now() > 1700000000000", event));

        assertEquals(event.toJsonString(), evaluator.evaluate("toJsonString()", event));
    }

    @Test
    void readsKeysThatChangeBetweenEvaluations() {
        final Event mutable = JacksonEvent.builder().withEventType("event").withData(Map.of("a", "x")).build();
        assertTrue(evaluator.evaluateConditional("/a == \"x\"", mutable));
        mutable.put("a", "y");
        assertFalse(evaluator.evaluateConditional("/a == \"x\"", mutable));
        mutable.delete("a");
        assertTrue(evaluator.evaluateConditional("/a == null", mutable));
    }

    @Test
    void validatesFormatExpressions() {
        assertTrue(evaluator.isValidFormatExpression("plain text"));
        assertTrue(evaluator.isValidFormatExpression("index-${/type}-${day}"));
        assertTrue(evaluator.isValidFormatExpression("index-${getMetadata(\"day\")}"));
        assertFalse(evaluator.isValidFormatExpression("index-${/type"));
        assertFalse(evaluator.isValidFormatExpression("index-${/a == }"));
        assertFalse(evaluator.isValidFormatExpression(null));
    }

    @Test
    void extractsKeysAndExpressionsFromFormatStrings() {
        final String format = "a-${type}-${/b}-${/n + 1}-${getMetadata(\"d\")}-${/x ==}";
        assertEquals(List.of("/type", "/b"), evaluator.extractDynamicKeysFromFormatExpression(format));
        assertEquals(List.of("/n + 1", "getMetadata(\"d\")"),
                evaluator.extractDynamicExpressionsFromFormatExpression(format));
        // As upstream: a part that is a valid key is a key, even when it reads like a call (keys may hold "(/)").
        assertEquals(List.of("/length(/c)"), evaluator.extractDynamicKeysFromFormatExpression("${length(/c)}"));
        assertEquals(List.of("/a"), evaluator.extractDynamicKeysFromFormatExpression("${a}-${unclosed"));
        assertEquals(List.of(), evaluator.extractDynamicKeysFromFormatExpression(null));
    }

    @Test
    void formatStringOnEventsUsesTheEvaluatorForExpressionParts() {
        assertEquals("hello world-11", event.formatString("${/str}-${length(/str)}", evaluator));
    }

    @Test
    void compilesEachStatementOnce() throws Exception {
        final GrammarExpressionEvaluator fresh = new GrammarExpressionEvaluator();
        final java.lang.reflect.Field cache = GrammarExpressionEvaluator.class.getDeclaredField("statements");
        cache.setAccessible(true);
        final Map<?, ?> statements = (Map<?, ?>) cache.get(fresh);
        fresh.evaluate("/num == 42", event);
        final Object compiled = statements.get("/num == 42");
        fresh.evaluate(new String("/num == 42"), event);
        fresh.isValidExpressionStatement("/num == 42");
        fresh.isValidExpressionStatement("/bad ==");
        assertEquals(2, statements.size());
        assertTrue(compiled == statements.get("/num == 42"), "the cached compilation is reused");
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            final List<Future<Integer>> results = new ArrayList<>();
            for (int task = 0; task < 8; task++) {
                final int offset = task;
                results.add(pool.submit(() -> {
                    int matches = 0;
                    for (int i = 0; i < 2_000; i++) {
                        final Event own = JacksonEvent.builder().withEventType("event")
                                .withData(Map.of("n", i + offset, "s", "v" + (i % 3))).build();
                        final boolean expected = (i + offset) % 2 == 0 && i % 3 == 0;
                        final boolean actual = evaluator.evaluateConditional(
                                "/n % 2 == 0 and /s == \"v0\"", own);
                        if (actual != expected) {
                            throw new AssertionError("wrong result for n=" + (i + offset) + " s=v" + (i % 3));
                        }
                        matches += actual ? 1 : 0;
                    }
                    return matches;
                }));
            }
            for (final Future<Integer> result : results) {
                assertTrue(result.get() > 0);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
