package dev.mlbatch.plugins.mutate;

import io.micrometer.core.instrument.Counter;
import org.opensearch.dataprepper.expression.ExpressionEvaluationException;
import org.opensearch.dataprepper.model.event.exceptions.EventKeyNotFoundException;
import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts and logs a processor's per-event failures (the event itself passes through). Expected conditions (a type
 * mismatch, an index out of range, an invalid key) are logged as one line without a stack trace; anything else
 * with its stack trace. The first {@link #FULLY_LOGGED} failures are logged, then one in every
 * {@link #LOG_EVERY}, so a bad pipeline cannot flood the log; the metric counts them all.
 */
final class ProcessingFailureLog {
    static final int FULLY_LOGGED = 100;
    static final int LOG_EVERY = 10_000;

    private final Logger logger;
    private final String pluginName;
    private final Counter failures;
    private final AtomicLong count = new AtomicLong();

    ProcessingFailureLog(final Logger logger, final String pluginName, final Counter failures) {
        this.logger = logger;
        this.pluginName = pluginName;
        this.failures = failures;
    }

    /** @param what the key or option involved and what was being done, e.g. "copying /a to /b" */
    void record(final String what, final RuntimeException cause) {
        failures.increment();
        final long n = count.incrementAndGet();
        if (n > FULLY_LOGGED && n % LOG_EVERY != 0) {
            return;
        }
        final String suffix = n > FULLY_LOGGED ? " (" + n + " failures so far; the rest are only counted)" : "";
        if (isExpected(cause)) {
            logger.warn("{}: event left unchanged by {}: {}{}", pluginName, what, reason(cause), suffix);
        } else {
            logger.error("{}: event left unchanged by {}: {}{}", pluginName, what, reason(cause), suffix, cause);
        }
    }

    /** Records a failure that has no exception, e.g. a value of the wrong shape found by the processor itself. */
    void record(final String what, final String reason) {
        record(what, new IllegalArgumentException(reason));
    }

    long count() {
        return count.get();
    }

    private static boolean isExpected(final RuntimeException cause) {
        return cause instanceof IllegalArgumentException
                || cause instanceof IndexOutOfBoundsException
                || cause instanceof ClassCastException
                || cause instanceof EventKeyNotFoundException
                || cause instanceof ExpressionEvaluationException
                || cause instanceof UnsupportedOperationException;
    }

    private static String reason(final RuntimeException cause) {
        if (cause instanceof ClassCastException) {
            // Jackson's cast message names node classes; say what it means for the key instead.
            return "a value on the key's path has the wrong type (an array where an object is needed, or the reverse)";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
