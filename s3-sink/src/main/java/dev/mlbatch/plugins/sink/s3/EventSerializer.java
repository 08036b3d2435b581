package dev.mlbatch.plugins.sink.s3;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.sink.SinkContext;

import java.util.List;

/**
 * The JSON of one event as the sink entry asks for it, like upstream's codecs ({@code event.jsonBuilder()}):
 * only {@code include_keys}, or all but {@code exclude_keys} (keys are JSON pointers, a leading {@code /} optional),
 * plus the event's tags as an array under {@code tags_target_key}.
 */
public final class EventSerializer {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<String> includeKeys;
    private final List<String> excludeKeys;
    private final String tagsTargetKey;

    public EventSerializer(final SinkContext sinkContext) {
        this.includeKeys = sinkContext == null ? List.of() : List.copyOf(sinkContext.getIncludeKeys());
        this.excludeKeys = sinkContext == null ? List.of() : List.copyOf(sinkContext.getExcludeKeys());
        this.tagsTargetKey = sinkContext == null ? null : sinkContext.getTagsTargetKey();
    }

    public String serialize(final Event event) {
        if (includeKeys.isEmpty() && excludeKeys.isEmpty() && tagsTargetKey == null) {
            return event.toJsonString();
        }
        final JsonNode source = event.getJsonNode();
        final ObjectNode document;
        if (!includeKeys.isEmpty()) {
            document = MAPPER.createObjectNode();
            for (final String key : includeKeys) {
                final JsonPointer pointer = pointer(key);
                final JsonNode value = source.at(pointer);
                if (!value.isMissingNode()) {
                    putAt(document, pointer, value.deepCopy());
                }
            }
        } else {
            document = source.isObject() ? ((ObjectNode) source).deepCopy() : MAPPER.createObjectNode();
            for (final String key : excludeKeys) {
                final JsonPointer pointer = pointer(key);
                final JsonNode parent = document.at(pointer.head());
                if (parent.isObject()) {
                    ((ObjectNode) parent).remove(pointer.last().getMatchingProperty());
                }
            }
        }
        if (tagsTargetKey != null) {
            final ArrayNode tags = document.putArray(tagsTargetKey);
            event.getMetadata().getTags().forEach(tags::add);
        }
        return document.toString();
    }

    private static JsonPointer pointer(final String key) {
        final String trimmed = key.endsWith("/") && key.length() > 1 ? key.substring(0, key.length() - 1) : key;
        return JsonPointer.compile(trimmed.startsWith("/") ? trimmed : "/" + trimmed);
    }

    private static void putAt(final ObjectNode root, final JsonPointer pointer, final JsonNode value) {
        ObjectNode node = root;
        JsonPointer rest = pointer;
        while (!rest.tail().matches()) {
            final String name = rest.getMatchingProperty();
            final JsonNode child = node.get(name);
            node = child instanceof ObjectNode ? (ObjectNode) child : node.putObject(name);
            rest = rest.tail();
        }
        node.set(rest.getMatchingProperty(), value);
    }
}
