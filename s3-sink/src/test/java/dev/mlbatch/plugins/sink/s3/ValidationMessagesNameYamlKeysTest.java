package dev.mlbatch.plugins.sink.s3;

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
 * The cross-field rules of {@link S3SinkConfig} and its nested options ({@code @AssertTrue boolean isXValid()}), bound as the
 * runtime binds them: each failure is reported under the YAML key the user wrote, never under the rule's Java name.
 */
class ValidationMessagesNameYamlKeysTest {
    private static final String VALID = """
            bucket: b
            codec: { ndjson: {} }
            threshold: { event_count: 10, event_collect_timeout: 10s }
            aws: { region: us-east-1 }
            """;

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            threshold: { event_count: 10, event_collect_timeout: 10s, maximum_size: 0b } | threshold.maximum_size       | threshold.maximum_size must be at least 1b
            threshold: { event_count: 10, event_collect_timeout: 0s }                 | threshold.event_collect_timeout | threshold.event_collect_timeout must be positive
            object_key: { path_prefix: /inputs/ }                                     | object_key.path_prefix       | object_key.path_prefix must not start with
            """)
    void ruleIsReportedUnderTheKeyTheUserWrote(final String change, final String key, final String message) throws Exception {
        final ConfigurationException e = assertThrows(ConfigurationException.class, () -> bind(change));
        assertTrue(e.getMessage().startsWith("pipelines.yaml, pipeline 'p', plugin 's3', key '" + key + "': " + message),
                e.getMessage());
        assertFalse(e.getMessage().contains("_valid"), e.getMessage());
    }

    private static void bind(final String change) throws Exception {
        final YAMLMapper yaml = new YAMLMapper();
        final TypeReference<LinkedHashMap<String, Object>> mapping = new TypeReference<>() {
        };
        final Map<String, Object> settings = yaml.readValue(VALID, mapping);
        settings.putAll(yaml.readValue(change.trim().startsWith("{") ? change : "{ " + change + " }", mapping));
        new PluginConfigBinder(new DefaultEventKeyFactory()).bind(S3SinkConfig.class, settings,
                ConfigLocation.ofFile(Path.of("pipelines.yaml")).pipeline("p").plugin("s3"));
    }
}
