package dev.mlbatch.plugins.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.expression.GrammarExpressionEvaluator;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.event.TestEventKeyFactory;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.processor.Processor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Builds events from JSON text and runs them through processors. */
public final class Events {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    public static final ExpressionEvaluator EVALUATOR = new GrammarExpressionEvaluator(TestEventKeyFactory.getTestEventFactory());

    private Events() {
    }

    /** JSON with single quotes for readability: {@code "{'a': 1}"}. */
    public static Event event(final String json) {
        return JacksonEvent.builder().withEventType("event").withData(json.replace('\'', '"')).build();
    }

    public static JsonNode json(final String json) {
        try {
            return MAPPER.readTree(json.replace('\'', '"'));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(final Event event) {
        return json(event.toJsonString());
    }

    public static List<Event> process(final Processor<Record<Event>, Record<Event>> processor, final Event... events) {
        final List<Record<Event>> records = new ArrayList<>();
        for (final Event event : events) {
            records.add(new Record<>(event));
        }
        final Collection<Record<Event>> out = processor.execute(records);
        final List<Event> result = new ArrayList<>();
        out.forEach(record -> result.add(record.getData()));
        return result;
    }
}
