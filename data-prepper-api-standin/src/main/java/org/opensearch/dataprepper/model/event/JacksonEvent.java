package org.opensearch.dataprepper.model.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.model.event.exceptions.EventKeyNotFoundException;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link Event} backed by a Jackson tree. Keys are JSON pointers; the leading "/" is optional.
 */
public class JacksonEvent implements Event {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .build();

    private static final TypeReference<Map<String, Object>> MAP_TYPE = new TypeReference<>() {
    };

    static final String MESSAGE_KEY = "message";
    static final String EVENT_TYPE = "event";

    private final EventMetadata eventMetadata;
    private transient EventHandle eventHandle;
    private final JsonNode jsonNode;

    protected JacksonEvent(final Builder builder) {
        if (builder.eventMetadata == null) {
            this.eventMetadata = DefaultEventMetadata.builder()
                    .withEventType(builder.eventType)
                    .withTimeReceived(builder.timeReceived)
                    .withAttributes(builder.eventMetadataAttributes)
                    .build();
        } else {
            this.eventMetadata = builder.eventMetadata;
        }
        this.jsonNode = toInitialNode(builder.data);
        this.eventHandle = builder.eventHandle != null
                ? builder.eventHandle : new DefaultEventHandle(eventMetadata.getTimeReceived());
        if (eventMetadata.getExternalOriginationTime() != null) {
            eventHandle.setExternalOriginationTime(eventMetadata.getExternalOriginationTime());
        }
    }

    protected JacksonEvent(final JacksonEvent other) {
        this.jsonNode = other.jsonNode.deepCopy();
        this.eventMetadata = DefaultEventMetadata.fromEventMetadata(other.eventMetadata);
        this.eventHandle = new DefaultEventHandle(eventMetadata.getTimeReceived());
    }

    public static Event fromMessage(final String message) {
        return JacksonEvent.builder()
                .withEventType(EVENT_TYPE)
                .withData(Collections.singletonMap(MESSAGE_KEY, message))
                .build();
    }

    public static JacksonEvent fromEvent(final Event event) {
        if (event instanceof JacksonEvent) {
            return new JacksonEvent((JacksonEvent) event);
        }
        return JacksonEvent.builder().withData(event.toMap()).withEventMetadata(event.getMetadata()).build();
    }

    public static boolean isValidEventKey(final String key) {
        return JacksonEventKey.isValidEventKey(key);
    }

    public static String replaceInvalidKeyChars(final String key) {
        return JacksonEventKey.replaceInvalidCharacters(key);
    }

    private static JsonNode toInitialNode(final Object data) {
        if (data == null) {
            return MAPPER.createObjectNode();
        }
        if (data instanceof String) {
            try {
                return MAPPER.readTree((String) data);
            } catch (final JsonProcessingException e) {
                throw new IllegalArgumentException("Unable to convert data into an event");
            }
        }
        if (data instanceof JsonNode) {
            return (JsonNode) data;
        }
        return MAPPER.valueToTree(data);
    }

    private static JacksonEventKey asJacksonEventKey(final EventKey key) {
        if (!(key instanceof JacksonEventKey)) {
            throw new IllegalArgumentException("The key provided must be obtained through the EventKeyFactory.");
        }
        return (JacksonEventKey) key;
    }

    @Override
    public JsonNode getJsonNode() {
        return jsonNode;
    }

    @Override
    public EventHandle getEventHandle() {
        return eventHandle;
    }

    @Override
    public EventMetadata getMetadata() {
        return eventMetadata;
    }

    @Override
    public void put(final EventKey key, final Object value) {
        final JacksonEventKey eventKey = asJacksonEventKey(key);
        if (!eventKey.supports(EventKeyFactory.EventAction.PUT)) {
            throw new IllegalArgumentException("key " + key.getKey() + " was not created for put");
        }
        final List<String> path = eventKey.getKeyPathList();
        if (path.isEmpty()) {
            throw new IllegalArgumentException("key cannot be an empty string for put method");
        }
        JsonNode parent = jsonNode;
        for (int i = 0; i < path.size() - 1; i++) {
            parent = childForWrite(parent, path.get(i));
        }
        setLeaf(parent, path.get(path.size() - 1), toNode(value));
    }

    @Override
    public void put(final String key, final Object value) {
        put(new JacksonEventKey(key, true, EventKeyFactory.EventAction.PUT), value);
    }

    /** Common scalar and tree values become nodes directly; everything else goes through Jackson's conversion. */
    private static JsonNode toNode(final Object value) {
        if (value == null) {
            return NullNode.getInstance();
        } else if (value instanceof String text) {
            return TextNode.valueOf(text);
        } else if (value instanceof Integer number) {
            return IntNode.valueOf(number);
        } else if (value instanceof Long number) {
            return LongNode.valueOf(number);
        } else if (value instanceof Boolean bool) {
            return BooleanNode.valueOf(bool);
        } else if (value instanceof JsonNode node) {
            return node.deepCopy();
        }
        return MAPPER.valueToTree(value);
    }

    /** Walks one step down, creating an object where nothing exists; an array index may append one element. */
    private static JsonNode childForWrite(final JsonNode node, final String segment) {
        if (node.isArray()) {
            final ArrayNode array = (ArrayNode) node;
            final int index = Integer.parseInt(segment);
            if (index > array.size()) {
                throw new IndexOutOfBoundsException(String.format(
                        "Cannot expand array past the limit of size %s to reach index %s", array.size(), index));
            }
            if (index == array.size()) {
                return array.addObject();
            }
            final JsonNode existing = array.get(index);
            if (existing.isContainerNode()) {
                return existing;
            }
            final ObjectNode replacement = MAPPER.createObjectNode();
            array.set(index, replacement);
            return replacement;
        }
        final ObjectNode object = (ObjectNode) node;
        final JsonNode existing = object.get(segment);
        if (existing != null && existing.isContainerNode()) {
            return existing;
        }
        return object.putObject(segment);
    }

    private static void setLeaf(final JsonNode parent, final String leaf, final JsonNode value) {
        if (parent.isArray()) {
            final ArrayNode array = (ArrayNode) parent;
            final int index = Integer.parseInt(leaf);
            if (index == array.size()) {
                array.add(value);
            } else {
                array.set(index, value);
            }
        } else {
            ((ObjectNode) parent).set(leaf, value);
        }
    }

    private JsonNode getNode(final JacksonEventKey key) {
        return jsonNode.at(key.getJsonPointer());
    }

    @Override
    public <T> T get(final EventKey key, final Class<T> clazz) {
        final JsonNode node = getNode(asJacksonEventKey(key));
        if (node.isMissingNode()) {
            return null;
        }
        try {
            return MAPPER.treeToValue(node, clazz);
        } catch (final JsonProcessingException e) {
            throw new RuntimeException(String.format("Unable to map %s to %s", key.getKey(), clazz), e);
        }
    }

    @Override
    public <T> T get(final String key, final Class<T> clazz) {
        return get(new JacksonEventKey(key, true, EventKeyFactory.EventAction.GET), clazz);
    }

    @Override
    public <T> List<T> getList(final EventKey key, final Class<T> clazz) {
        final JsonNode node = getNode(asJacksonEventKey(key));
        if (node.isMissingNode()) {
            return null;
        }
        try {
            return MAPPER.readerFor(MAPPER.getTypeFactory().constructCollectionType(List.class, clazz)).readValue(node);
        } catch (final IOException e) {
            throw new RuntimeException(String.format("Unable to map %s to List of %s", key.getKey(), clazz), e);
        }
    }

    @Override
    public <T> List<T> getList(final String key, final Class<T> clazz) {
        return getList(new JacksonEventKey(key, true, EventKeyFactory.EventAction.GET), clazz);
    }

    @Override
    public void delete(final EventKey key) {
        final JacksonEventKey eventKey = asJacksonEventKey(key);
        if (!eventKey.supports(EventKeyFactory.EventAction.DELETE)) {
            throw new IllegalArgumentException("key " + key.getKey() + " was not created for delete");
        }
        final List<String> path = eventKey.getKeyPathList();
        if (path.isEmpty()) {
            throw new IllegalArgumentException("key cannot be an empty string for delete method");
        }
        JsonNode parent = jsonNode;
        for (int i = 0; i < path.size() - 1 && parent != null; i++) {
            parent = parent.isArray() ? parent.get(parseIndex(path.get(i))) : parent.get(path.get(i));
        }
        if (parent == null || parent.isMissingNode()) {
            return;
        }
        // As upstream: the parent must be an object; array elements cannot be removed through Event.delete.
        ((ObjectNode) parent).remove(path.get(path.size() - 1));
    }

    private static int parseIndex(final String segment) {
        try {
            return Integer.parseInt(segment);
        } catch (final NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void delete(final String key) {
        delete(new JacksonEventKey(key, true, EventKeyFactory.EventAction.DELETE));
    }

    @Override
    public void clear() {
        if (jsonNode instanceof ObjectNode) {
            ((ObjectNode) jsonNode).removeAll();
        }
    }

    @Override
    public void merge(final Event other) {
        if (!(other instanceof JacksonEvent) || !(((JacksonEvent) other).jsonNode instanceof ObjectNode)) {
            throw new IllegalArgumentException("Unable to merge the Event. The input Event must be a JacksonEvent with object data.");
        }
        if (!(jsonNode instanceof ObjectNode)) {
            throw new UnsupportedOperationException("Unable to merge the Event. The current Event must have object data.");
        }
        ((ObjectNode) jsonNode).setAll((ObjectNode) ((JacksonEvent) other).jsonNode);
    }

    @Override
    public String toJsonString() {
        return jsonNode.toString();
    }

    @Override
    public String getAsJsonString(final EventKey key) {
        final JsonNode node = getNode(asJacksonEventKey(key));
        return node.isMissingNode() ? null : node.toString();
    }

    @Override
    public String getAsJsonString(final String key) {
        return getAsJsonString(new JacksonEventKey(key, true, EventKeyFactory.EventAction.GET));
    }

    @Override
    public boolean containsKey(final EventKey key) {
        return !getNode(asJacksonEventKey(key)).isMissingNode();
    }

    @Override
    public boolean containsKey(final String key) {
        return containsKey(new JacksonEventKey(key, true, EventKeyFactory.EventAction.GET));
    }

    @Override
    public boolean isValueAList(final EventKey key) {
        return getNode(asJacksonEventKey(key)).isArray();
    }

    @Override
    public boolean isValueAList(final String key) {
        return isValueAList(new JacksonEventKey(key, true, EventKeyFactory.EventAction.GET));
    }

    @Override
    public Map<String, Object> toMap() {
        return MAPPER.convertValue(jsonNode, MAP_TYPE);
    }

    @Override
    public String formatString(final String format) {
        return format(format, null, null);
    }

    @Override
    public String formatString(final String format, final ExpressionEvaluator expressionEvaluator) {
        return format(format, expressionEvaluator, null);
    }

    @Override
    public String formatString(final String format, final ExpressionEvaluator expressionEvaluator, final String defaultValue) {
        return format(format, expressionEvaluator, defaultValue);
    }

    /** Replaces each {@code ${key}} (or {@code ${expression}}) with its value from this event. */
    private String format(final String format, final ExpressionEvaluator evaluator, final String defaultValue) {
        final StringBuilder result = new StringBuilder();
        int from = 0;
        int start;
        while ((start = format.indexOf("${", from)) != -1) {
            final int end = format.indexOf('}', start + 2);
            if (end == -1) {
                throw new RuntimeException("Format string is not properly formed: " + format);
            }
            result.append(format, from, start);
            final String name = format.substring(start + 2, end);
            Object value = null;
            try {
                value = get(name, Object.class);
            } catch (final RuntimeException notAKey) {
                // Not a valid key: it may be an expression such as getMetadata("x").
            }
            if (value == null) {
                if (evaluator != null && evaluator.isValidExpressionStatement(name)) {
                    value = evaluator.evaluate(name, this);
                } else if (defaultValue != null) {
                    value = defaultValue;
                } else {
                    throw new EventKeyNotFoundException(String.format("The key %s could not be found in the Event when formatting", name));
                }
            }
            if (value != null) {
                result.append(value);
            }
            from = end + 1;
        }
        result.append(format.substring(from));
        return result.toString();
    }

    private void readObject(final ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        this.eventHandle = new DefaultEventHandle(eventMetadata.getTimeReceived());
    }

    public static Builder builder() {
        return new Builder() {
            @Override
            public Builder getThis() {
                return this;
            }
        };
    }

    public abstract static class Builder<T extends Builder<T>> {
        private EventMetadata eventMetadata;
        protected Object data;
        private String eventType;
        private Instant timeReceived;
        private Map<String, Object> eventMetadataAttributes;
        protected transient EventHandle eventHandle;

        public abstract T getThis();

        public Builder<T> withEventType(final String eventType) {
            this.eventType = eventType;
            return this;
        }

        public Builder<T> withEventMetadataAttributes(final Map<String, Object> eventMetadataAttributes) {
            this.eventMetadataAttributes = eventMetadataAttributes == null ? null : new HashMap<>(eventMetadataAttributes);
            return this;
        }

        public Builder<T> withTimeReceived(final Instant timeReceived) {
            this.timeReceived = timeReceived;
            return this;
        }

        public Builder<T> withEventHandle(final EventHandle eventHandle) {
            this.eventHandle = eventHandle;
            return this;
        }

        public Builder<T> withEventMetadata(final EventMetadata eventMetadata) {
            this.eventMetadata = eventMetadata;
            return this;
        }

        public Builder<T> withData(final Object data) {
            this.data = data;
            return this;
        }

        public JacksonEvent build() {
            return new JacksonEvent(this);
        }
    }
}
