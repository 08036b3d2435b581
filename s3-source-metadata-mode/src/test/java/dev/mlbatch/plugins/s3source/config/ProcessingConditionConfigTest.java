package dev.mlbatch.plugins.s3source.config;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlbatch.runtime.config.ConfigLocation;
import dev.mlbatch.runtime.config.ConfigurationException;
import dev.mlbatch.runtime.plugin.PluginConfigBinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opensearch.dataprepper.model.event.DefaultEventKeyFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code scan.buckets[].bucket.processing_conditions}, bound as the runtime binds plugin settings. */
class ProcessingConditionConfigTest {
    private static S3SourceConfig bind(final String conditions) throws Exception {
        final String yaml = """
                codec: { ndjson: {} }
                aws: { region: us-east-1 }
                scan:
                  buckets:
                    - bucket: { name: other-bucket }
                    - bucket:
                        name: my-bucket
                        filter: { include_prefix: [bedrock/output/], exclude_suffix: [manifest.json.out] }
                        processing_conditions: %s
                """.formatted(conditions);
        final Map<String, Object> settings = new YAMLMapper().readValue(yaml, new TypeReference<Map<String, Object>>() {
        });
        return (S3SourceConfig) new PluginConfigBinder(new DefaultEventKeyFactory()).bind(S3SourceConfig.class, settings,
                ConfigLocation.ofFile(Path.of("pipelines.yaml")).pipeline("p").plugin("s3"));
    }

    @Test
    void upstream_keys_bind_with_upstream_defaults_and_ours_defaults_to_keep_waiting() throws Exception {
        final S3SourceConfig config = bind("[ { object_name: manifest.json.out, when: '/processedRecordCount != null' } ]");
        assertTrue(config.getScan().getBuckets().get(0).getBucket().getProcessingConditions().isEmpty());
        final List<ProcessingCondition> conditions = config.getScan().getBuckets().get(1).getBucket().getProcessingConditions();
        assertEquals(1, conditions.size());
        final ProcessingCondition condition = conditions.get(0);
        assertEquals("manifest.json.out", condition.getObjectName());
        assertEquals("/processedRecordCount != null", condition.getWhen());
        assertEquals(Duration.ofMinutes(5), condition.getRetryDelay());
        assertEquals(10, condition.getMaxRetry());
        assertTrue(condition.getApplicablePrefix().isEmpty());
        assertNull(condition.getCodec());
        assertFalse(condition.isProcessAfterMaxRetry());
    }

    @Test
    void every_key_binds() throws Exception {
        final ProcessingCondition condition = bind("[ { object_name: _SUCCESS, when: '/state == \"done\"', applicable_prefix: [a/, b/], "
                + "retry_delay: PT60M, max_retry: 100, codec: { ndjson: {} }, process_after_max_retry: true } ]")
                .getScan().getBuckets().get(1).getBucket().getProcessingConditions().get(0);
        assertEquals(List.of("a/", "b/"), condition.getApplicablePrefix());
        assertEquals(Duration.ofMinutes(60), condition.getRetryDelay());
        assertEquals(100, condition.getMaxRetry());
        assertEquals("ndjson", condition.getCodec().getPluginName());
        assertTrue(condition.isProcessAfterMaxRetry());
        assertEquals(Duration.ofMinutes(1), bind("[ { object_name: x, when: 'true', retry_delay: 60s, max_retry: 0 } ]")
                .getScan().getBuckets().get(1).getBucket().getProcessingConditions().get(0).getRetryDelay());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            { when: 'true' }                                          | object_name | processing_conditions[].object_name is required
            { object_name: x }                                        | when        | processing_conditions[].when is required
            { object_name: x, when: 'true', retry_delay: PT59S }      | retry_delay | processing_conditions[].retry_delay must be between 1 minute and 60 minutes
            { object_name: x, when: 'true', retry_delay: PT61M }      | retry_delay | processing_conditions[].retry_delay must be between 1 minute and 60 minutes
            { object_name: x, when: 'true', max_retry: -1 }           | max_retry   | processing_conditions[].max_retry must be between 0 and 100
            { object_name: x, when: 'true', max_retry: 101 }          | max_retry   | processing_conditions[].max_retry must be between 0 and 100
            """)
    void each_rule_is_reported_under_its_key(final String condition, final String key, final String message) {
        final ConfigurationException e = assertThrows(ConfigurationException.class, () -> bind("[ " + condition + " ]"));
        assertTrue(e.getMessage().startsWith("pipelines.yaml, pipeline 'p', plugin 's3', key 'scan.buckets[1].bucket.processing_conditions[0]."
                + key + "': " + message), e.getMessage());
    }

    @Test
    void unknown_keys_are_rejected() {
        final ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> bind("[ { object_name: x, when: 'true', max_retries: 3 } ]"));
        assertTrue(e.getMessage().contains("max_retries"), e.getMessage());
    }
}
