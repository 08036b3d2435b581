package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The index template (or plain index body) from {@code template_file} / {@code template_content}. Accepts a legacy
 * template body ({@code settings}, {@code mappings}, {@code aliases}, ...), a composable one (with a {@code template}
 * object), or a plain create-index body, and renders whichever form {@code template_type} needs.
 */
public final class TemplateDefinition {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> KNOWN_KEYS = Set.of("index_patterns", "order", "version", "settings", "mappings",
            "aliases", "template", "priority", "composed_of", "_meta", "data_stream");
    private static final Set<String> TEMPLATE_KEYS = Set.of("settings", "mappings", "aliases");

    private final ObjectNode body;
    private final String source;

    private TemplateDefinition(final ObjectNode body, final String source) {
        this.body = body;
        this.source = source;
    }

    /** Reads and checks the configured template, or returns null when none is configured. */
    public static TemplateDefinition load(final OpenSearchSinkConfig config) {
        if (config.getTemplateFile() != null) {
            final Path path = Path.of(config.getTemplateFile());
            final String text;
            try {
                text = Files.readString(path);
            } catch (final NoSuchFileException e) {
                throw new IllegalArgumentException("template_file '" + path + "' does not exist");
            } catch (final IOException e) {
                throw new IllegalArgumentException("template_file '" + path + "' cannot be read: " + e.getMessage(), e);
            }
            return parse(text, "template_file '" + path + "'");
        }
        if (config.getTemplateContent() != null) {
            return parse(config.getTemplateContent(), "template_content");
        }
        return null;
    }

    static TemplateDefinition parse(final String text, final String source) {
        final JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (final JsonProcessingException e) {
            final JsonLocation at = e.getLocation();
            throw new IllegalArgumentException(source + " is not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(source + " must be a JSON object with settings and/or mappings");
        }
        final ObjectNode object = (ObjectNode) node;
        for (final Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            final String name = names.next();
            if (!KNOWN_KEYS.contains(name)) {
                throw new IllegalArgumentException(source + " has an unknown top-level key '" + name + "'; expected "
                        + "settings, mappings, aliases, index_patterns, version, order, priority or template");
            }
        }
        for (final String key : List.of("settings", "mappings", "aliases", "template")) {
            if (object.has(key) && !object.get(key).isObject()) {
                throw new IllegalArgumentException(source + ": '" + key + "' must be a JSON object");
            }
        }
        if (object.has("version") && !object.get("version").canConvertToLong()) {
            throw new IllegalArgumentException(source + ": 'version' must be an integer");
        }
        return new TemplateDefinition(object, source);
    }

    public String source() {
        return source;
    }

    public boolean hasIndexPatterns() {
        return body.has("index_patterns");
    }

    public Long version() {
        return body.has("version") ? body.get("version").asLong() : null;
    }

    /** {@code settings}/{@code mappings}/{@code aliases}, wherever the file put them. */
    private ObjectNode templatePart() {
        final ObjectNode part = MAPPER.createObjectNode();
        final JsonNode nested = body.get("template");
        for (final String key : TEMPLATE_KEYS) {
            if (nested != null && nested.has(key)) {
                part.set(key, nested.get(key).deepCopy());
            } else if (body.has(key)) {
                part.set(key, body.get(key).deepCopy());
            }
        }
        return part;
    }

    /** The mappings, for comparing with an existing index; empty when none. */
    public ObjectNode mappings() {
        final JsonNode mappings = templatePart().get("mappings");
        return mappings instanceof ObjectNode ? (ObjectNode) mappings : MAPPER.createObjectNode();
    }

    /** Body for {@code PUT _template/name}. */
    public ObjectNode legacyTemplateBody(final List<String> indexPatterns) {
        final ObjectNode result = MAPPER.createObjectNode();
        result.set("index_patterns", patterns(indexPatterns));
        copyIfPresent("order", result);
        copyIfPresent("version", result);
        result.setAll(templatePart());
        return result;
    }

    /** Body for {@code PUT _index_template/name}. */
    public ObjectNode composableTemplateBody(final List<String> indexPatterns) {
        final ObjectNode result = MAPPER.createObjectNode();
        result.set("index_patterns", patterns(indexPatterns));
        for (final String key : List.of("version", "priority", "composed_of", "_meta", "data_stream")) {
            copyIfPresent(key, result);
        }
        result.set("template", templatePart());
        return result;
    }

    /** Body for {@code PUT /index}. */
    public ObjectNode createIndexBody() {
        return templatePart();
    }

    private JsonNode patterns(final List<String> fallback) {
        if (body.has("index_patterns")) {
            return body.get("index_patterns").deepCopy();
        }
        final ArrayNode array = MAPPER.createArrayNode();
        fallback.forEach(array::add);
        return array;
    }

    private void copyIfPresent(final String key, final ObjectNode target) {
        if (body.has(key)) {
            target.set(key, body.get(key).deepCopy());
        }
    }
}
