package org.opensearch.dataprepper.model.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An {@link Event} backed by a Jackson tree. Keys are JSON pointers; the leading "/" is optional.
 */
public class JacksonEvent implements Event {

    // Fast double parsing and writing: events carrying embedding vectors are mostly doubles.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
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
        return json(jsonNode);
    }

    /** Written by {@link #MAPPER} rather than {@code JsonNode.toString()}, which ignores its fast double writer. */
    private static String json(final Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot write an event's JSON", e);
        }
    }

    @Override
    public String getAsJsonString(final EventKey key) {
        final JsonNode node = getNode(asJacksonEventKey(key));
        return node.isMissingNode() ? null : json(node);
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

    @Override
    public JsonStringBuilder jsonBuilder() {
        return new JsonStringBuilder();
    }

    /**
     * This event's JSON narrowed as {@link Event.JsonStringBuilder} asks. As upstream: fields keep the event's order;
     * a key reaches through arrays (it applies to every element, indexes are not path segments); an object the
     * include walk descends into is written even when none of its fields is included; tags come last.
     * Where this differs from upstream is listed in the module README.
     */
    public class JsonStringBuilder extends Event.JsonStringBuilder {
        private JsonStringBuilder() {
        }

        @Override
        public String toJsonString() {
            final JsonNode base = baseNode();
            final String json;
            if (getIncludeKeys() != null && !getIncludeKeys().isEmpty()) {
                json = filtered(base, getIncludeKeys(), true);
            } else if (getExcludeKeys() != null && !getExcludeKeys().isEmpty()) {
                json = filtered(base, getExcludeKeys(), false);
            } else {
                json = json(base);
            }
            return getTagsKey() == null ? json : withTags(json);
        }

        private JsonNode baseNode() {
            final String rootKey = getRootKey();
            if (rootKey == null || rootKey.isEmpty() || !containsKey(rootKey)) {
                return jsonNode;
            }
            return getNode(new JacksonEventKey(rootKey, true, EventKeyFactory.EventAction.GET));
        }

        /** Tags go into objects only: there is no field to add to an array or a single value. */
        private String withTags(final String json) {
            if (json.charAt(0) != '{') {
                return json;
            }
            final StringBuilder out = new StringBuilder(json.length() + 64).append(json, 0, json.length() - 1);
            if (json.length() > 2) {
                out.append(',');
            }
            appendName(out, getTagsKey());
            return out.append(json(eventMetadata.getTags())).append('}').toString();
        }
    }

    private static String filtered(final JsonNode base, final List<String> keys, final boolean include) {
        final List<String[]> paths = new ArrayList<>(keys.size());
        for (final String key : keys) {
            String trimmed = key.startsWith("/") ? key.substring(1) : key;
            trimmed = trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
            paths.add(trimmed.split("/", -1));
        }
        final StringBuilder out = new StringBuilder();
        appendFiltered(out, base, paths, 0, include);
        return out.toString();
    }

    /**
     * Writes {@code node}, whose path is the first {@code depth} segments of every entry of {@code paths}: a field
     * named by a whole path is written whole (include) or left out (exclude); a field on the way to a longer path
     * is walked into; any other field is left out (include) or written whole (exclude).
     */
    private static void appendFiltered(final StringBuilder out, final JsonNode node, final List<String[]> paths,
                                       final int depth, final boolean include) {
        if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                appendFiltered(out, node.get(i), paths, depth, include);
            }
            out.append(']');
        } else if (node.isObject()) {
            out.append('{');
            boolean first = true;
            for (final Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                final Map.Entry<String, JsonNode> field = fields.next();
                boolean named = false;
                List<String[]> below = null;
                for (final String[] path : paths) {
                    if (path[depth].equals(field.getKey())) {
                        if (path.length == depth + 1) {
                            named = true;
                            break;
                        }
                        below = below == null ? new ArrayList<>() : below;
                        below.add(path);
                    }
                }
                final boolean walk = !named && below != null;
                if (!walk && named != include) {
                    continue;
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendName(out, field.getKey());
                if (walk) {
                    appendFiltered(out, field.getValue(), below, depth + 1, include);
                } else {
                    out.append(json(field.getValue()));
                }
            }
            out.append('}');
        } else if (include) {
            // As upstream: a value without fields that an include path runs through becomes an empty object.
            out.append("{}");
        } else {
            // Upstream writes {} here too, losing the value; nothing below a single value can be excluded.
            out.append(json(node));
        }
    }

    private static void appendName(final StringBuilder out, final String name) {
        out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(name)).append("\":");
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
