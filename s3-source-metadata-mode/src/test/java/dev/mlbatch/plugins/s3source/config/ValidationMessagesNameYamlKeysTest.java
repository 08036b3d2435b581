package dev.mlbatch.plugins.s3source.config;

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
 * The cross-field rules of {@link S3SourceConfig} and its nested options ({@code @AssertTrue boolean isXValid()}), bound as the
 * runtime binds them: each failure is reported under the YAML key the user wrote, never under the rule's Java name.
 */
class ValidationMessagesNameYamlKeysTest {
    private static final String VALID = """
            acknowledgments: true
            codec: { ndjson: {} }
            aws: { region: us-east-1 }
            scan:
              buckets:
                - bucket: { name: bucket-b }
            """;

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            scan: { scheduling: { interval: 0s }, buckets: [ { bucket: { name: bucket-b } } ] }     | scan.scheduling.interval | scan.scheduling.interval must be between
            scan: { start_time: "2024-01-01T00:00:00", end_time: "2024-02-01T00:00:00", range: P1D, buckets: [ { bucket: { name: bucket-b } } ] } | scan.start_time | scan: at most two of start_time, end_time and range
            scan: { buckets: [ { bucket: { name: bucket-a } }, { bucket: { name: bucket-b, start_time: "2024-01-01T00:00:00", end_time: "2024-02-01T00:00:00", range: P1D } } ] } | scan.buckets[1].bucket.start_time | scan.buckets[].bucket: at most two of
            { acknowledgments: false, delete_s3_objects_on_read: true }               | delete_s3_objects_on_read | delete_s3_objects_on_read: true requires acknowledgments: true
            codec: null                                                               | codec                    | codec is required when a scan.buckets entry reads object content
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
        new PluginConfigBinder(new DefaultEventKeyFactory()).bind(S3SourceConfig.class, settings,
                ConfigLocation.ofFile(Path.of("pipelines.yaml")).pipeline("p").plugin("s3"));
    }
}
