package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemplateDefinitionTest {
    private static final String PLAIN = "{\"version\":3,\"settings\":{\"index.knn\":true},"
            + "\"mappings\":{\"properties\":{\"v\":{\"type\":\"knn_vector\",\"dimension\":4}}}}";

    @Test
    void plainIndexBodyRendersAsLegacyComposableAndCreateIndexBodies() {
        final TemplateDefinition template = TemplateDefinition.parse(PLAIN, "template_content");
        final ObjectNode legacy = template.legacyTemplateBody(List.of("docs-*"));
        assertEquals("docs-*", legacy.get("index_patterns").get(0).asText());
        assertEquals(3, legacy.get("version").asInt());
        assertEquals("knn_vector", legacy.at("/mappings/properties/v/type").asText());
        final ObjectNode composable = template.composableTemplateBody(List.of("docs-*"));
        assertEquals("knn_vector", composable.at("/template/mappings/properties/v/type").asText());
        assertFalse(composable.has("mappings"));
        final ObjectNode create = template.createIndexBody();
        assertTrue(create.has("settings") && create.has("mappings"));
        assertFalse(create.has("version"));
    }

    @Test
    void composableBodyIsUnwrappedForLegacyTemplatesAndKeepsItsOwnPatterns() {
        final TemplateDefinition template = TemplateDefinition.parse("{\"index_patterns\":[\"mine-*\"],"
                + "\"template\":{\"mappings\":{\"properties\":{\"a\":{\"type\":\"keyword\"}}}}}", "template_file 'x'");
        assertEquals("mine-*", template.legacyTemplateBody(List.of("ignored")).get("index_patterns").get(0).asText());
        assertEquals("keyword", template.legacyTemplateBody(List.of()).at("/mappings/properties/a/type").asText());
        assertEquals("keyword", template.mappings().at("/properties/a/type").asText());
    }

    @Test
    void malformedTemplatesAreRejectedWithTheirSource() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TemplateDefinition.parse("[1]", "template_content"))
                .getMessage().contains("template_content must be a JSON object"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TemplateDefinition.parse("{\"mappings\":[]}", "template_content"))
                .getMessage().contains("'mappings' must be a JSON object"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TemplateDefinition.parse("{} {}", "template_content"))
                .getMessage().contains("not valid JSON"));
    }

    @Test
    void templateNamesAndPatternsComeFromTheIndexFormat() {
        assertEquals("vectors-index-template", IndexSetup.templateName("vectors"));
        assertEquals("vectors-index-template", IndexSetup.templateName("vectors-%{yyyy.MM.dd}"));
        assertEquals("logs-index-template", IndexSetup.templateName("logs_${/type}"));
        assertEquals("logs-", IndexSetup.staticPrefix("logs-${/type}-%{yyyy}"));
        assertTrue(IndexSetup.isFixedName("plain"));
        assertFalse(IndexSetup.isFixedName("dated-%{yyyy}"));
    }
}
