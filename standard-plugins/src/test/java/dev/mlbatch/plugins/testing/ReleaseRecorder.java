package dev.mlbatch.plugins.testing;

import org.opensearch.dataprepper.model.event.DefaultEventHandle;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.record.Record;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Makes events whose handles remember how they were released. */
public final class ReleaseRecorder {
    private final Map<Event, List<Boolean>> releases = new ConcurrentHashMap<>();

    public Record<Event> record(final String json) {
        final DefaultEventHandle handle = new DefaultEventHandle(Instant.now());
        final Event event = JacksonEvent.builder().withEventType("event").withData(json).withEventHandle(handle).build();
        releases.put(event, new ArrayList<>());
        handle.onRelease((h, result) -> {
            synchronized (releases.get(event)) {
                releases.get(event).add(result);
            }
        });
        return new Record<>(event);
    }

    public List<Boolean> releasesOf(final Record<Event> record) {
        return releases.get(record.getData());
    }
}
