package dev.mlbatch.bench.plugins;

import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.sink.Sink;

import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code benchmark_counter} sink, for benchmarks only: counts events, remembers when the last one arrived, and
 * acknowledges each positively. Counts are per JVM (static), read by the benchmark that runs the pipeline.
 */
@DataPrepperPlugin(name = "benchmark_counter", pluginType = Sink.class)
public final class BenchmarkCounterSink implements Sink<Record<Event>> {
    private static final AtomicLong EVENTS = new AtomicLong();
    private static volatile long lastEventNanos;

    @DataPrepperPluginConstructor
    public BenchmarkCounterSink() {
    }

    public static void reset() {
        EVENTS.set(0);
        lastEventNanos = 0;
    }

    public static long events() {
        return EVENTS.get();
    }

    /** {@link System#nanoTime()} when the last batch arrived. */
    public static long lastEventNanos() {
        return lastEventNanos;
    }

    @Override
    public void output(final Collection<Record<Event>> records) {
        for (final Record<Event> record : records) {
            record.getData().getEventHandle().release(true);
        }
        EVENTS.addAndGet(records.size());
        lastEventNanos = System.nanoTime();
    }

    @Override
    public void shutdown() {
    }

    @Override
    public void initialize() {
    }

    @Override
    public boolean isReady() {
        return true;
    }
}
