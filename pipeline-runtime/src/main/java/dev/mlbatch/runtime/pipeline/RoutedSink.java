package dev.mlbatch.runtime.pipeline;

import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.sink.Sink;

import java.util.Set;

/** A sink and the routes that feed it (empty: every event). */
record RoutedSink(String name, Sink<Record<Event>> sink, Set<String> routes) {
    boolean takesEverything() {
        return routes.isEmpty();
    }
}
