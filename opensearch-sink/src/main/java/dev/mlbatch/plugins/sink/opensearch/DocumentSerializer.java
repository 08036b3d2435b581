package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.sink.SinkContext;

import java.util.List;

/** Turns an event into the JSON document sent to OpenSearch, honouring the sink entry's include/exclude keys and tags key. */
public class DocumentSerializer {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<String> includeKeys;
    private final List<String> excludeKeys;
    private final String tagsTargetKey;

    public DocumentSerializer(final SinkContext sinkContext) {
        this.includeKeys = sinkContext == null ? List.of() : List.copyOf(sinkContext.getIncludeKeys());
        this.excludeKeys = sinkContext == null ? List.of() : List.copyOf(sinkContext.getExcludeKeys());
        this.tagsTargetKey = sinkContext == null ? null : sinkContext.getTagsTargetKey();
    }

    public String serialize(final Event event) {
        if (includeKeys.isEmpty() && excludeKeys.isEmpty() && tagsTargetKey == null) {
            return event.toJsonString();
        }
        final JsonNode source = event.getJsonNode();
        ObjectNode document;
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
        }
        for (final String key : excludeKeys) {
            final JsonPointer pointer = pointer(key);
            final JsonNode parent = document.at(pointer.head());
            if (parent.isObject()) {
                ((ObjectNode) parent).remove(pointer.last().getMatchingProperty());
            }
        }
        if (tagsTargetKey != null) {
            final ArrayNode tags = document.putArray(tagsTargetKey);
            event.getMetadata().getTags().forEach(tags::add);
        }
        return document.toString();
    }

    private static JsonPointer pointer(final String key) {
        return JsonPointer.compile(key.startsWith("/") ? key : "/" + key);
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
