package dev.mlbatch.runtime.plugin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import org.opensearch.dataprepper.model.event.EventKey;
import org.opensearch.dataprepper.model.event.EventKeyConfiguration;
import org.opensearch.dataprepper.model.event.EventKeyFactory;

import java.io.IOException;

/** Binds {@link EventKey} options through the runtime's factory, for the actions the field declares. */
final class EventKeyDeserializer extends StdDeserializer<EventKey> implements ContextualDeserializer {
    private final EventKeyFactory eventKeyFactory;
    private final EventKeyFactory.EventAction[] actions;

    EventKeyDeserializer(final EventKeyFactory eventKeyFactory) {
        this(eventKeyFactory, new EventKeyFactory.EventAction[]{EventKeyFactory.EventAction.ALL});
    }

    private EventKeyDeserializer(final EventKeyFactory eventKeyFactory, final EventKeyFactory.EventAction[] actions) {
        super(EventKey.class);
        this.eventKeyFactory = eventKeyFactory;
        this.actions = actions;
    }

    @Override
    public EventKey deserialize(final JsonParser parser, final DeserializationContext context) throws IOException {
        final String key = parser.getValueAsString();
        if (key == null) {
            return (EventKey) context.handleUnexpectedToken(EventKey.class, parser);
        }
        try {
            return eventKeyFactory.createEventKey(key, actions);
        } catch (final IllegalArgumentException e) {
            return (EventKey) context.handleWeirdStringValue(EventKey.class, key, e.getMessage());
        }
    }

    @Override
    public JsonDeserializer<?> createContextual(final DeserializationContext context, final BeanProperty property) {
        if (property == null) {
            return this;
        }
        final EventKeyConfiguration configuration = property.getAnnotation(EventKeyConfiguration.class);
        return configuration == null ? this : new EventKeyDeserializer(eventKeyFactory, configuration.value());
    }
}
