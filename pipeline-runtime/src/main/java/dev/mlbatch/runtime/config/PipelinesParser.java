package dev.mlbatch.runtime.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads Data Prepper pipeline YAML (one file or a directory of files) into {@link PipelineDefinition}s, with
 * upstream's structure: optional {@code version}, optional {@code extension}, every other top-level key a pipeline.
 */
public final class PipelinesParser {
    /** The Data Prepper version whose pipeline format this runtime follows. */
    public static final DataPrepperVersion RUNNING_VERSION = DataPrepperVersion.parse("2.16");

    private static final Set<String> PIPELINE_KEYS = Set.of("source", "buffer", "processor", "processors", "sink",
            "route", "routes", "workers", "delay");
    private static final Set<String> ROOT_NON_PIPELINE_KEYS = Set.of("version", "extension", "pipeline_configurations");
    private static final int DEFAULT_WORKERS = 1;
    private static final int DEFAULT_DELAY_MS = 3000;

    private final ObjectMapper yamlMapper = YAMLMapper.builder(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private final ValueReferenceResolver valueReferences;

    public PipelinesParser(final ValueReferenceResolver valueReferences) {
        this.valueReferences = valueReferences;
    }

    public PipelinesDocument parse(final Path fileOrDirectory) {
        final List<Path> files = pipelineFiles(fileOrDirectory);
        final List<PipelineDefinition> pipelines = new ArrayList<>();
        final Map<String, Object> extension = new LinkedHashMap<>();
        final Map<String, Path> definedIn = new LinkedHashMap<>();
        for (final Path file : files) {
            final ObjectNode root = readRoot(file);
            final ConfigLocation fileLocation = ConfigLocation.ofFile(file);
            checkVersion(root.get("version"), fileLocation);
            final JsonNode extensionNode = root.has("extension") ? root.get("extension") : root.get("pipeline_configurations");
            if (extensionNode != null && !extensionNode.isNull()) {
                if (!extension.isEmpty()) {
                    throw new ConfigurationException(fileLocation.key("extension"),
                            "only one file may hold an 'extension' block when several pipeline files are used");
                }
                extension.putAll(toMap(extensionNode, fileLocation.key("extension")));
            }
            final Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
            while (fields.hasNext()) {
                final Map.Entry<String, JsonNode> field = fields.next();
                if (ROOT_NON_PIPELINE_KEYS.contains(field.getKey())) {
                    continue;
                }
                final Path earlier = definedIn.putIfAbsent(field.getKey(), file);
                if (earlier != null) {
                    throw new ConfigurationException(fileLocation.pipeline(field.getKey()),
                            "pipeline is defined twice (also in " + earlier.getFileName() + ")");
                }
                pipelines.add(parsePipeline(field.getKey(), field.getValue(), fileLocation.pipeline(field.getKey())));
            }
        }
        if (pipelines.isEmpty()) {
            throw new ConfigurationException(ConfigLocation.ofFile(fileOrDirectory), "no pipeline is defined");
        }
        return new PipelinesDocument(Collections.unmodifiableList(pipelines), Collections.unmodifiableMap(extension));
    }

    private static List<Path> pipelineFiles(final Path fileOrDirectory) {
        if (!Files.exists(fileOrDirectory)) {
            throw new ConfigurationException(ConfigLocation.ofFile(fileOrDirectory), "no such file or directory: " + fileOrDirectory);
        }
        if (!Files.isDirectory(fileOrDirectory)) {
            return List.of(fileOrDirectory);
        }
        try (Stream<Path> listing = Files.list(fileOrDirectory)) {
            final List<Path> files = listing
                    .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
                    .sorted().toList();
            if (files.isEmpty()) {
                throw new ConfigurationException(ConfigLocation.ofFile(fileOrDirectory), "the directory holds no .yaml or .yml file");
            }
            return files;
        } catch (final IOException e) {
            throw new ConfigurationException(ConfigLocation.ofFile(fileOrDirectory), "cannot list directory: " + e.getMessage());
        }
    }

    private ObjectNode readRoot(final Path file) {
        final String text;
        try {
            text = Files.readString(file);
        } catch (final IOException e) {
            throw new ConfigurationException(ConfigLocation.ofFile(file), "cannot read file: " + e.getMessage());
        }
        final JsonNode root;
        try {
            root = yamlMapper.readTree(text);
        } catch (final JsonProcessingException e) {
            throw syntaxError(file, text, e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigurationException(ConfigLocation.ofFile(file), "the file is empty");
        }
        if (!root.isObject()) {
            throw new ConfigurationException(ConfigLocation.ofFile(file),
                    "the top level must be a mapping of pipeline names to pipelines");
        }
        return (ObjectNode) root;
    }

    private static ConfigurationException syntaxError(final Path file, final String text, final JsonProcessingException e) {
        final YamlSyntaxErrorLocator locator = new YamlSyntaxErrorLocator(text);
        final YamlSyntaxFault fault = YamlSyntaxFault.of(text, e);
        final int[] typographic = locator.findStrayTypographicQuote(fault.quotesSuspectUpToLine());
        if (typographic != null) {
            final ConfigLocation location = locator.enclosingKeys(ConfigLocation.ofFile(file).at(typographic[0], typographic[1]));
            return new ConfigurationException(location, "YAML syntax error: typographic quote '"
                    + locator.characterAt(typographic[0], typographic[1])
                    + "' where a straight quote '\"' is needed, so the quoted string is never closed", e);
        }
        final ConfigLocation at = ConfigLocation.ofFile(file).at(fault.line(), fault.column());
        final ConfigLocation location = fault.indentation() ? locator.enclosingPipeline(at) : locator.enclosingKeys(at);
        return new ConfigurationException(location, "YAML syntax error: " + fault.problem(), e);
    }

    private static void checkVersion(final JsonNode versionNode, final ConfigLocation location) {
        if (versionNode == null || versionNode.isNull()) {
            return;
        }
        final DataPrepperVersion version;
        try {
            version = DataPrepperVersion.parse(versionNode.asText());
        } catch (final IllegalArgumentException e) {
            throw new ConfigurationException(location.key("version"), e.getMessage());
        }
        if (!RUNNING_VERSION.isCompatibleWith(version)) {
            throw new ConfigurationException(location.key("version"), "pipeline version " + version
                    + " is newer than this runtime's Data Prepper version " + RUNNING_VERSION);
        }
    }

    private PipelineDefinition parsePipeline(final String name, final JsonNode node, final ConfigLocation location) {
        if (!node.isObject()) {
            throw new ConfigurationException(location, "a pipeline must be a mapping with source, processor, sink, …");
        }
        final Iterator<String> keys = node.fieldNames();
        while (keys.hasNext()) {
            final String key = keys.next();
            if (!PIPELINE_KEYS.contains(key)) {
                throw new ConfigurationException(location.key(key), "unknown pipeline key '" + key + "'"
                        + NearestName.suggestion(key, PIPELINE_KEYS) + " (expected one of "
                        + String.join(", ", List.of("source", "buffer", "processor", "route", "sink", "workers", "delay")) + ")");
            }
        }
        final JsonNode sourceNode = node.get("source");
        if (sourceNode == null || sourceNode.isNull()) {
            throw new ConfigurationException(location.key("source"), "missing required key: every pipeline needs a source");
        }
        final PluginDefinition source = plugin(sourceNode, location, "source");
        final PluginDefinition buffer = node.hasNonNull("buffer") ? plugin(node.get("buffer"), location, "buffer") : null;

        final List<PluginDefinition> processors = new ArrayList<>();
        final String processorKey = node.has("processor") ? "processor" : "processors";
        final JsonNode processorNode = node.get(processorKey);
        if (processorNode != null && !processorNode.isNull()) {
            if (!processorNode.isArray()) {
                throw new ConfigurationException(location.key(processorKey), "must be a list of processors");
            }
            for (final JsonNode entry : processorNode) {
                processors.add(plugin(entry, location, processorKey));
            }
        }

        final List<RouteDefinition> routes = routes(node.has("routes") ? node.get("routes") : node.get("route"),
                location.key(node.has("routes") ? "routes" : "route"));

        final JsonNode sinkNode = node.get("sink");
        if (sinkNode == null || !sinkNode.isArray() || sinkNode.isEmpty()) {
            throw new ConfigurationException(location.key("sink"), "missing required key: every pipeline needs a list of at least one sink");
        }
        final List<SinkDefinition> sinks = new ArrayList<>();
        for (final JsonNode entry : sinkNode) {
            sinks.add(sink(entry, location));
        }

        final int workers = intValue(node.get("workers"), DEFAULT_WORKERS, 1, location.key("workers"));
        final int delay = intValue(node.get("delay"), DEFAULT_DELAY_MS, 0, location.key("delay"));
        return new PipelineDefinition(name, location, source, buffer, List.copyOf(processors), routes,
                List.copyOf(sinks), workers, delay);
    }

    private static int intValue(final JsonNode node, final int defaultValue, final int minimum, final ConfigLocation location) {
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        if (!node.canConvertToInt() || (node.isTextual() && !node.asText().matches("-?\\d+"))) {
            throw new ConfigurationException(location, "wrong type: expected a whole number, got '" + node.asText() + "'");
        }
        final int value = node.asInt();
        if (value < minimum) {
            throw new ConfigurationException(location, "must be at least " + minimum + ", got " + value);
        }
        return value;
    }

    /** A plugin entry is a single-key mapping {@code name: settings} (settings may be empty). */
    private PluginDefinition plugin(final JsonNode node, final ConfigLocation pipelineLocation, final String section) {
        final ConfigLocation sectionLocation = pipelineLocation.key(section);
        if (!node.isObject() || node.size() != 1) {
            throw new ConfigurationException(sectionLocation,
                    "each plugin must be written as a single-key mapping 'plugin_name: {settings}'");
        }
        final Map.Entry<String, JsonNode> entry = node.fields().next();
        final ConfigLocation location = pipelineLocation.plugin(entry.getKey());
        final JsonNode settingsNode = entry.getValue();
        if (settingsNode != null && !settingsNode.isNull() && !settingsNode.isObject()) {
            throw new ConfigurationException(location, "plugin settings must be a mapping of keys to values");
        }
        final Map<String, Object> settings = settingsNode == null || settingsNode.isNull()
                ? new LinkedHashMap<>() : toMap(resolveReferences(settingsNode, location, ""), location);
        return new PluginDefinition(entry.getKey(), settings, location);
    }

    private SinkDefinition sink(final JsonNode node, final ConfigLocation pipelineLocation) {
        final PluginDefinition plugin = plugin(node, pipelineLocation, "sink");
        final Map<String, Object> settings = new LinkedHashMap<>(plugin.settings());
        final List<String> routes = stringList(settings.remove("routes"), plugin.location().key("routes"));
        final Object tagsTargetKey = settings.remove("tags_target_key");
        final List<String> includeKeys = stringList(settings.remove("include_keys"), plugin.location().key("include_keys"));
        final List<String> excludeKeys = stringList(settings.remove("exclude_keys"), plugin.location().key("exclude_keys"));
        if (!includeKeys.isEmpty() && !excludeKeys.isEmpty()) {
            throw new ConfigurationException(plugin.location().key("include_keys"), "include_keys and exclude_keys cannot both be set");
        }
        return new SinkDefinition(new PluginDefinition(plugin.name(), settings, plugin.location()), routes,
                tagsTargetKey == null ? null : tagsTargetKey.toString(), includeKeys, excludeKeys);
    }

    private static List<String> stringList(final Object value, final ConfigLocation location) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new ConfigurationException(location, "wrong type: expected a list of strings");
        }
        final List<String> strings = new ArrayList<>();
        for (final Object element : list) {
            if (!(element instanceof String)) {
                throw new ConfigurationException(location, "wrong type: expected a list of strings, found " + element);
            }
            strings.add((String) element);
        }
        return List.copyOf(strings);
    }

    private static List<RouteDefinition> routes(final JsonNode node, final ConfigLocation location) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ConfigurationException(location, "routes must be a list of '- route_name: <condition>' entries");
        }
        final List<RouteDefinition> routes = new ArrayList<>();
        for (final JsonNode entry : node) {
            if (!entry.isObject() || entry.size() != 1 || !entry.fields().next().getValue().isTextual()) {
                throw new ConfigurationException(location,
                        "each route must be a single-key mapping '- route_name: \"<condition>\"', got " + entry);
            }
            final Map.Entry<String, JsonNode> route = entry.fields().next();
            routes.add(new RouteDefinition(route.getKey(), route.getValue().asText()));
        }
        return List.copyOf(routes);
    }

    /** Resolves ${{env:...}} in every string value, naming the key path when one cannot be resolved. */
    private JsonNode resolveReferences(final JsonNode node, final ConfigLocation location, final String path) {
        if (node.isTextual()) {
            try {
                return TextNode.valueOf(valueReferences.resolve(node.asText()));
            } catch (final IllegalArgumentException e) {
                throw new ConfigurationException(location.key(path), e.getMessage());
            }
        }
        if (node.isObject()) {
            final ObjectNode copy = ((ObjectNode) node).objectNode();
            node.fields().forEachRemaining(field -> copy.set(field.getKey(),
                    resolveReferences(field.getValue(), location, path.isEmpty() ? field.getKey() : path + "." + field.getKey())));
            return copy;
        }
        if (node.isArray()) {
            final ArrayNode copy = ((ArrayNode) node).arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(resolveReferences(node.get(i), location, path + "[" + i + "]"));
            }
            return copy;
        }
        return node;
    }

    private Map<String, Object> toMap(final JsonNode node, final ConfigLocation location) {
        if (!node.isObject()) {
            throw new ConfigurationException(location, "must be a mapping");
        }
        return yamlMapper.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() {
        });
    }
}
