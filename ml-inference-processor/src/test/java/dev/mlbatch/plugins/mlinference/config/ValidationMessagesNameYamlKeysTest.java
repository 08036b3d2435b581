package dev.mlbatch.plugins.mlinference.config;

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
 * The cross-field rules of {@link MLProcessorConfig} ({@code @AssertTrue boolean isXValid()}), bound as the runtime
 * binds them: each failure is reported under the YAML key the user wrote, never under the rule's Java name
 * (this used to say {@code key 'output_path_valid'}).
 */
class ValidationMessagesNameYamlKeysTest {
    private static final String VALID = """
            host: "http://localhost:9200"
            model_id: m
            output_path: "s3://bucket/out"
            aws_sigv4: false
            """;

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            output_path: "bucket/out"                                      | output_path       | output_path is required
            host: "localhost:9200"                                         | host              | host must be an http:// or https:// URL
            retry_interval: 1s                                             | retry_interval    | retry_interval must be between 3s and 300s
            retry_time_window: 700000s                                     | retry_time_window | retry_time_window must be between
            job_poll_interval: 50ms                                        | job_poll_interval | job_poll_interval must be between
            batch_wait: 3601s                                              | batch_wait        | batch_wait must be between
            request_timeout: 601s                                          | request_timeout   | request_timeout must be between
            state_retention: 60s                                           | state_retention   | state_retention must be between
            state_directory: " "                                           | state_directory   | state_directory must not be blank
            s3_endpoint: "ftp://s3.local"                                  | s3_endpoint       | s3_endpoint must be an http:// or https:// URL
            parameters: { TransformJobName: mine }                         | parameters        | parameters must not set TransformJobName
            dlq: { file: { path: x } }                                     | dlq               | dlq must name exactly one DLQ plugin
            aws_sigv4: true                                                | aws               | aws.region is required when requests are signed
            { aws_sigv4: true, aws: { region: us-east-1, sts_role_arn: "arn:aws:iam::123456789012:user/someone" } } | aws.sts_role_arn | aws.sts_role_arn must look like
            username: someone                                              | username          | username and password go together
            action_type: predict                                           | input_key         | input_key is required with action_type predict
            { action_type: predict, input_key: text }                      | output_key        | output_key is required with action_type predict
            service_name: openai                                           | provider_api      | provider_api.api_key is required with service_name openai or cohere
            """)
    void ruleIsReportedUnderTheKeyTheUserWrote(final String change, final String key, final String message) throws Exception {
        final ConfigurationException e = assertThrows(ConfigurationException.class, () -> bind(change));
        assertTrue(e.getMessage().startsWith("pipelines.yaml, pipeline 'p', plugin 'ml_inference', key '" + key + "': " + message),
                e.getMessage());
        assertFalse(e.getMessage().contains("_valid"), e.getMessage());
    }

    private static void bind(final String change) throws Exception {
        final YAMLMapper yaml = new YAMLMapper();
        final TypeReference<LinkedHashMap<String, Object>> mapping = new TypeReference<>() {
        };
        final Map<String, Object> settings = yaml.readValue(VALID, mapping);
        final String changeAsMapping = change.trim().startsWith("{") ? change : "{ " + change + " }";
        settings.putAll(yaml.readValue(changeAsMapping, mapping));
        new PluginConfigBinder(new DefaultEventKeyFactory()).bind(MLProcessorConfig.class, settings,
                ConfigLocation.ofFile(Path.of("pipelines.yaml")).pipeline("p").plugin("ml_inference"));
    }
}
