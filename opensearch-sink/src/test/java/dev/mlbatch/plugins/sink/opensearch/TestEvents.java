package dev.mlbatch.plugins.sink.opensearch;

import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.record.Record;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Events whose acknowledgements a test can read: true (accepted), false (not accepted), or absent (unreleased). */
final class TestEvents {
    final Map<Event, Boolean> acknowledgements = new ConcurrentHashMap<>();
    private volatile CountDownLatch released = new CountDownLatch(0);

    Record<Event> record(final Map<String, Object> data) {
        final Event event = JacksonEvent.builder().withEventType("event").withData(data).build();
        event.getEventHandle().onRelease((handle, result) -> {
            acknowledgements.put(event, result);
            released.countDown();
        });
        return new Record<>(event);
    }

    List<Record<Event>> records(final List<Map<String, Object>> data) {
        final List<Record<Event>> records = new ArrayList<>();
        data.forEach(d -> records.add(record(d)));
        return records;
    }

    void expect(final int releases) {
        released = new CountDownLatch(releases);
    }

    boolean await() throws InterruptedException {
        return released.await(30, TimeUnit.SECONDS);
    }

    long count(final boolean result) {
        return acknowledgements.values().stream().filter(v -> v == result).count();
    }

    static PluginSetting setting(final String pipeline) {
        final PluginSetting setting = new PluginSetting("opensearch", Map.of());
        setting.setPipelineName(pipeline);
        return setting;
    }
}
