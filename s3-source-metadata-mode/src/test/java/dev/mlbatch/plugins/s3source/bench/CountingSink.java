package dev.mlbatch.plugins.s3source.bench;

import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.sink.Sink;

import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/** Benchmark sink: counts events, remembers when the last one arrived, and acknowledges each positively. */
@DataPrepperPlugin(name = "scan_bench_count", pluginType = Sink.class)
public final class CountingSink implements Sink<Record<Event>> {
    static final AtomicLong EVENTS = new AtomicLong();
    static volatile long lastEventNanos;

    @DataPrepperPluginConstructor
    public CountingSink() {
    }

    static void reset() {
        EVENTS.set(0);
        lastEventNanos = 0;
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
