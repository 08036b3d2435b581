package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.opensearch.generic.Request;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Index management for {@code index_type: custom}: installs the template (legacy or composable) for the index
 * pattern, creates a static index that does not exist yet, and refuses to start when an existing index maps a field
 * differently from the template (those documents would all fail). Connection problems surface as IOException (the
 * sink retries); configuration problems as {@link InvalidPluginConfigurationException}.
 */
public class IndexSetup {
    private static final Logger LOG = LoggerFactory.getLogger(IndexSetup.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final OpenSearchGenericClient client;
    private final OpenSearchSinkConfig config;
    private final TemplateDefinition template;
    private final String logPrefix;

    public IndexSetup(final OpenSearchGenericClient client, final OpenSearchSinkConfig config,
                      final TemplateDefinition template, final String logPrefix) {
        this.client = client;
        this.config = config;
        this.template = template;
        this.logPrefix = logPrefix;
    }

    /** The static part of the index format before the first ${...} or %{...}. */
    static String staticPrefix(final String index) {
        int end = index.length();
        for (final String marker : List.of("${", "%{")) {
            final int at = index.indexOf(marker);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return index.substring(0, end);
    }

    static boolean isFixedName(final String index) {
        return !index.contains("${") && !index.contains("%{");
    }

    static String templateName(final String index) {
        String base = isFixedName(index) ? index : staticPrefix(index);
        while (!base.isEmpty() && "-_.".indexOf(base.charAt(base.length() - 1)) >= 0) {
            base = base.substring(0, base.length() - 1);
        }
        return base + "-index-template";
    }

    public void run() throws IOException {
        if (config.getIndexType() == IndexType.MANAGEMENT_DISABLED) {
            return;
        }
        final String index = config.getIndex();
        if (template != null) {
            installTemplate(index);
        }
        if (isFixedName(index)) {
            createOrCheckIndex(index);
        }
    }

    private void installTemplate(final String index) throws IOException {
        final List<String> patterns = isFixedName(index) ? List.of(index) : List.of(staticPrefix(index) + "*");
        if (!isFixedName(index) && staticPrefix(index).isEmpty() && !template.hasIndexPatterns()) {
            throw new InvalidPluginConfigurationException("index '" + index + "' starts with a format, so no index pattern "
                    + "can be derived for the template; add index_patterns to " + template.source());
        }
        final String name = templateName(index);
        final boolean legacy = config.getTemplateType() == TemplateType.V1;
        final String path = (legacy ? "/_template/" : "/_index_template/") + encode(name);
        final ObjectNode body = legacy ? template.legacyTemplateBody(patterns) : template.composableTemplateBody(patterns);

        final JsonNode existing = get(path);
        if (existing != null) {
            final Long existingVersion = existingVersion(existing, name, legacy);
            final Long configured = template.version();
            if (configured == null || (existingVersion != null && configured <= existingVersion)) {
                LOG.info("{}: template '{}' already exists (version {}); kept it. Raise 'version' in {} to replace it",
                        logPrefix, name, existingVersion, template.source());
                return;
            }
        }
        final Response response = execute("PUT", path, body.toString());
        if (response.status >= 300) {
            throw new InvalidPluginConfigurationException("OpenSearch rejected the template '" + name + "' from "
                    + template.source() + " (HTTP " + response.status + "): " + errorReason(response.body));
        }
        LOG.info("{}: installed {} template '{}' for {}", logPrefix, legacy ? "legacy" : "composable", name, patterns);
    }

    private void createOrCheckIndex(final String index) throws IOException {
        final String path = "/" + encode(index);
        final JsonNode mapping = get(path + "/_mapping");
        if (mapping == null) {
            final String body = template == null ? "{}" : template.createIndexBody().toString();
            final Response response = execute("PUT", path, body);
            if (response.status < 300) {
                LOG.info("{}: created index '{}'", logPrefix, index);
                return;
            }
            if (response.body.contains("resource_already_exists_exception")) {
                return;
            }
            throw new InvalidPluginConfigurationException("OpenSearch refused to create index '" + index + "' (HTTP "
                    + response.status + "): " + errorReason(response.body));
        }
        if (template != null) {
            // The answer is keyed by concrete index name, which differs from 'index' when that is an alias.
            final List<String> conflicts = new ArrayList<>();
            for (final JsonNode concreteIndex : mapping) {
                compare("", template.mappings().path("properties"), concreteIndex.path("mappings").path("properties"), conflicts);
            }
            if (!conflicts.isEmpty()) {
                throw new InvalidPluginConfigurationException("index '" + index + "' already exists with mappings that "
                        + "conflict with " + template.source() + ": " + String.join("; ", conflicts)
                        + ". Delete or reindex the index, or point index at a new name");
            }
        }
    }

    private static void compare(final String prefix, final JsonNode wanted, final JsonNode actual, final List<String> conflicts) {
        for (final Iterator<Map.Entry<String, JsonNode>> fields = wanted.fields(); fields.hasNext(); ) {
            final Map.Entry<String, JsonNode> field = fields.next();
            final String name = prefix + field.getKey();
            final JsonNode have = actual.path(field.getKey());
            if (have.isMissingNode()) {
                continue;
            }
            final String wantedType = field.getValue().path("type").asText("object");
            final String actualType = have.path("type").asText("object");
            if (!wantedType.equals(actualType)) {
                conflicts.add("field '" + name + "' is '" + actualType + "' in the index but '" + wantedType + "' in the template");
                continue;
            }
            final JsonNode wantedDimension = field.getValue().get("dimension");
            if (wantedDimension != null && !wantedDimension.equals(have.get("dimension"))) {
                conflicts.add("field '" + name + "' has dimension " + have.path("dimension").asText("?")
                        + " in the index but " + wantedDimension.asText() + " in the template");
            }
            if (field.getValue().has("properties")) {
                compare(name + ".", field.getValue().get("properties"), have.path("properties"), conflicts);
            }
        }
    }

    private static Long existingVersion(final JsonNode existing, final String name, final boolean legacy) {
        final JsonNode version = legacy ? existing.path(name).path("version")
                : existing.path("index_templates").path(0).path("index_template").path("version");
        return version.canConvertToLong() ? version.asLong() : null;
    }

    /** GET returning the parsed body, or null on 404; auth and other failures throw. */
    private JsonNode get(final String path) throws IOException {
        final Response response = execute("GET", path, null);
        if (response.status == 404) {
            return null;
        }
        if (response.status == 401 || response.status == 403) {
            throw new IOException("HTTP " + response.status + " from OpenSearch for GET " + path + ": "
                    + errorReason(response.body) + " - check username/password or the aws block");
        }
        if (response.status >= 300) {
            throw new IOException("HTTP " + response.status + " from OpenSearch for GET " + path + ": " + errorReason(response.body));
        }
        return MAPPER.readTree(response.body);
    }

    private Response execute(final String method, final String path, final String json) throws IOException {
        final Requests.JsonBodyBuilder builder = Requests.builder().method(method).endpoint(path);
        if (json != null) {
            builder.json(json);
        }
        final Request request = builder.build();
        try (org.opensearch.client.opensearch.generic.Response response = client.execute(request)) {
            final String body = response.getBody().map(Body::bodyAsString).orElse("");
            return new Response(response.getStatus(), body);
        }
    }

    static String errorReason(final String body) {
        try {
            final JsonNode error = MAPPER.readTree(body).path("error");
            if (error.isObject()) {
                final JsonNode root = error.path("root_cause").path(0);
                final JsonNode cause = root.isMissingNode() ? error : root;
                return cause.path("type").asText() + ": " + cause.path("reason").asText();
            }
            if (error.isTextual()) {
                return error.asText();
            }
        } catch (final IOException notJson) {
            // fall through to the raw body
        }
        return body.length() > 500 ? body.substring(0, 500) + "..." : body;
    }

    private static String encode(final String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private record Response(int status, String body) {
    }
}
