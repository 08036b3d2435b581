package dev.mlbatch.plugins.mlinference.support;

import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** metadata_only-shaped events, as the s3 source emits them. */
public final class Events {
    private Events() {
    }

    public static Event object(final String bucket, final String key) {
        return JacksonEvent.builder().withEventType("event")
                .withData(Map.of("bucket", bucket, "key", key, "time", 1753870500.0, "length", 1234)).build();
    }

    public static List<Event> objects(final String bucket, final String prefix, final int count) {
        final List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(object(bucket, String.format("%spart-%04d.jsonl", prefix, i)));
        }
        return events;
    }
}
