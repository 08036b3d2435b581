package dev.mlbatch.runtime.testplugins;

import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSet;
import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSetManager;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.buffer.Buffer;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.source.Source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/** Test source: emits {@code count} events {n, kind} and finishes; with acknowledgements, records the outcome. */
@DataPrepperPlugin(name = "counting", pluginType = Source.class, pluginConfigurationType = CountingSourceConfig.class)
public final class CountingSource implements Source<Record<Event>> {
    /** Acknowledgement results by run id, for assertions. */
    public static final Map<String, List<Boolean>> ACKNOWLEDGEMENTS = new ConcurrentHashMap<>();

    private final CountingSourceConfig config;
    private final AcknowledgementSetManager acknowledgementSetManager;
    private volatile boolean written;
    private volatile boolean acknowledged;

    @DataPrepperPluginConstructor
    public CountingSource(final CountingSourceConfig config, final AcknowledgementSetManager acknowledgementSetManager) {
        this.config = config;
        this.acknowledgementSetManager = acknowledgementSetManager;
    }

    @Override
    public void start(final Buffer<Record<Event>> buffer) {
        final AcknowledgementSet set = config.isAcknowledgments()
                ? acknowledgementSetManager.create(result -> {
                    ACKNOWLEDGEMENTS.computeIfAbsent(config.getRunId(), k -> new ArrayList<>()).add(result);
                    acknowledged = true;
                }, Duration.ofSeconds(30))
                : null;
        final List<Record<Event>> batch = new ArrayList<>();
        for (int n = 0; n < config.getCount(); n++) {
            final Event event = JacksonEvent.builder().withEventType("event")
                    .withData(Map.of("n", n, "kind", n % 2 == 0 ? "even" : "odd", "nested", Map.of("v", n * 10))).build();
            if (set != null) {
                set.add(event);
            }
            batch.add(new Record<>(event));
            if (batch.size() == 100) {
                write(buffer, batch);
            }
        }
        write(buffer, batch);
        if (set != null) {
            set.complete();
        }
        written = true;
    }

    private static void write(final Buffer<Record<Event>> buffer, final List<Record<Event>> batch) {
        while (!batch.isEmpty()) {
            try {
                buffer.writeAll(batch, 1000);
                batch.clear();
            } catch (final TimeoutException e) {
                // buffer full: retry
            } catch (final Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public boolean isFinished() {
        return written && (!config.isAcknowledgments() || acknowledged);
    }

    @Override
    public void stop() {
    }

    @Override
    public boolean areAcknowledgementsEnabled() {
        return config.isAcknowledgments();
    }
}
