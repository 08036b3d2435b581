package dev.mlbatch.runtime.testplugins;

import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.sink.Sink;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test sink: keeps every event's JSON under its {@code name}, and releases events (positively or negatively). */
@DataPrepperPlugin(name = "collecting", pluginType = Sink.class, pluginConfigurationType = CollectingSinkConfig.class)
public final class CollectingSink implements Sink<Record<Event>> {
    public static final Map<String, List<String>> RECEIVED = new ConcurrentHashMap<>();

    private final CollectingSinkConfig config;

    @DataPrepperPluginConstructor
    public CollectingSink(final CollectingSinkConfig config) {
        this.config = config;
    }

    public static List<String> received(final String name) {
        return RECEIVED.getOrDefault(name, List.of());
    }

    @Override
    public void output(final Collection<Record<Event>> records) {
        final List<String> target = RECEIVED.computeIfAbsent(config.getName(), k -> new CopyOnWriteArrayList<>());
        for (final Record<Event> record : records) {
            target.add(record.getData().toJsonString());
            record.getData().getEventHandle().release(config.isAcknowledge());
        }
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
