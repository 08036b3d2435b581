package dev.mlbatch.plugins.sink.opensearch;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlbatch.runtime.config.ConfigLocation;
import dev.mlbatch.runtime.config.ConfigurationException;
import dev.mlbatch.runtime.plugin.PluginConfigBinder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opensearch.dataprepper.model.event.DefaultEventKeyFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cross-field rules of {@link OpenSearchSinkConfig} and its nested options ({@code @AssertTrue boolean isXValid()}), bound as the
 * runtime binds them: each failure is reported under the YAML key the user wrote, never under the rule's Java name.
 */
class ValidationMessagesNameYamlKeysTest {
    private static final String VALID = """
            hosts: ["http://localhost:9200"]
            index: docs
            """;

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            index: " "                                                   | index                 | index is required
            hosts: ["localhost:9200"]                                    | hosts                 | hosts must be http:// or https:// URLs
            flush_timeout: 0                                             | flush_timeout         | flush_timeout must be -1
            action: replace                                              | action                | action must be one of index, create
            action: update                                               | action                | action update, upsert and delete need document_id
            username: someone                                            | username              | username and password must be given together
            { username: someone, password: pw, aws: { region: us-east-1 } } | username           | username/password and aws cannot be combined
            { template_file: t.json, template_content: "{}" }            | template_file         | template_file and template_content are mutually exclusive
            aws: { region: " " }                                         | aws.region            | aws.region must not be blank
            """)
    void ruleIsReportedUnderTheKeyTheUserWrote(final String change, final String key, final String message) throws Exception {
        final ConfigurationException e = assertThrows(ConfigurationException.class, () -> bind(change));
        assertTrue(e.getMessage().startsWith("pipelines.yaml, pipeline 'p', plugin 'opensearch', key '" + key + "': " + message),
                e.getMessage());
        assertFalse(e.getMessage().contains("_valid"), e.getMessage());
    }

    private static void bind(final String change) throws Exception {
        final YAMLMapper yaml = new YAMLMapper();
        final TypeReference<LinkedHashMap<String, Object>> mapping = new TypeReference<>() {
        };
        final Map<String, Object> settings = yaml.readValue(VALID, mapping);
        settings.putAll(yaml.readValue(change.trim().startsWith("{") ? change : "{ " + change + " }", mapping));
        new PluginConfigBinder(new DefaultEventKeyFactory()).bind(OpenSearchSinkConfig.class, settings,
                ConfigLocation.ofFile(Path.of("pipelines.yaml")).pipeline("p").plugin("opensearch"));
    }
}
