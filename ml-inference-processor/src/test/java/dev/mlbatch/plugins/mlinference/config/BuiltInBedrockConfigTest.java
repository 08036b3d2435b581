package dev.mlbatch.plugins.mlinference.config;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlbatch.plugins.mlinference.support.ConfigBinder;
import dev.mlbatch.runtime.config.ConfigLocation;
import dev.mlbatch.runtime.config.ConfigurationException;
import dev.mlbatch.runtime.plugin.PluginConfigBinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opensearch.dataprepper.model.event.DefaultEventKeyFactory;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Upstream's direct Bedrock mode: which configs select it, and its rules, each reported under the key the user wrote. */
class BuiltInBedrockConfigTest {
    private static final String ROLE = "arn:aws:iam::123456789012:role/BedrockBatchRole";
    /** As upstream documents it: no host, the job role in the aws block. */
    private static final String BUILT_IN = """
            service_name: bedrock
            model_id: "amazon.titan-embed-text-v2:0"
            output_path: "s3://my-bucket/bedrock/output/"
            aws:
              region: eu-west-1
              sts_role_arn: "arn:aws:iam::123456789012:role/PipelineRole"
              job_sts_role_arn: "arn:aws:iam::123456789012:role/BedrockBatchRole"
            """;

    @ParameterizedTest
    @ValueSource(strings = {"amazon.titan-embed-text-v2:0", "amazon.titan-embed-image-v1", "amazon.nova-2-multimodal-embeddings-v1:0"})
    void upstreamsBuiltInModelsSelectTheDirectModeWithoutAHost(final String modelId) {
        final MLProcessorConfig config = ConfigBinder.bind(BUILT_IN.replace("amazon.titan-embed-text-v2:0", modelId));
        assertTrue(config.isBuiltInBedrockModel());
        assertNull(config.getHost());
        assertEquals(URI.create("https://bedrock.eu-west-1.amazonaws.com"), config.getBedrockEndpoint());
        assertEquals(ROLE, config.getAws().getJobStsRoleArn());
        assertTrue(config.isSigningEnabled());
    }

    @Test
    void anyOtherModelOrServiceGoesThroughMlCommonsAndNeedsAHost() {
        final MLProcessorConfig mlCommons = ConfigBinder.bind(BUILT_IN.replace("amazon.titan-embed-text-v2:0", "m0delID")
                + "host: \"https://search-x.eu-west-1.es.amazonaws.com\"\n");
        assertFalse(mlCommons.isBuiltInBedrockModel());
        final IllegalArgumentException noHost = assertThrows(IllegalArgumentException.class,
                () -> ConfigBinder.bind(BUILT_IN.replace("amazon.titan-embed-text-v2:0", "m0delID")));
        assertTrue(noHost.getMessage().contains("host must be an http:// or https:// URL"), noHost.getMessage());
        final IllegalArgumentException sageMaker = assertThrows(IllegalArgumentException.class,
                () -> ConfigBinder.bind(BUILT_IN.replace("service_name: bedrock", "service_name: sagemaker")));
        assertTrue(sageMaker.getMessage().contains("host must be"), "SageMaker has no built-in mode: " + sageMaker.getMessage());
        // A host given anyway is accepted (upstream ignores it) but must still be a URL.
        assertTrue(ConfigBinder.bind(BUILT_IN + "host: \"https://search-x.eu-west-1.es.amazonaws.com\"\n").isBuiltInBedrockModel());
    }

    @Test
    void bedrockEndpointPointsTheJobsElsewhere() {
        assertEquals(URI.create("http://127.0.0.1:9999/bedrock"),
                ConfigBinder.bind(BUILT_IN + "bedrock_endpoint: \"http://127.0.0.1:9999/bedrock\"\n").getBedrockEndpoint());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            aws: { region: eu-west-1 }                                                   | aws                  | aws.job_sts_role_arn is required when model_id refers to a built-in model
            aws: { region: eu-west-1, job_sts_role_arn: " " }                            | aws.job_sts_role_arn | aws.job_sts_role_arn must be 20 to 2048 characters
            aws: { region: eu-west-1, job_sts_role_arn: "arn:aws:iam::123456789012:user/BedrockBatchRole" } | aws.job_sts_role_arn | aws.job_sts_role_arn must look like
            aws_sigv4: false                                                             | aws_sigv4            | aws_sigv4 must not be false with a built-in Bedrock model_id
            { action_type: predict, input_key: text, output_key: vector }                | action_type          | action_type predict does not take a built-in Bedrock model_id
            bedrock_endpoint: "bedrock.local:9999"                                       | bedrock_endpoint     | bedrock_endpoint must be an http:// or https:// URL
            parameters: { roleArn: "arn:aws:iam::123456789012:role/Other" }              | parameters           | parameters must not set modelId, roleArn or clientRequestToken
            parameters: { clientRequestToken: mine }                                     | parameters           | parameters must not set modelId, roleArn or clientRequestToken
            parameters: { jobName: mine }                                                | parameters           | parameters must not set TransformJobName
            host: "search-x:9200"                                                        | host                 | host must be an http:// or https:// URL
            """)
    void everyRuleOfTheModeNamesItsKey(final String change, final String key, final String message) throws Exception {
        final ConfigurationException e = assertThrows(ConfigurationException.class, () -> bind(BUILT_IN, change));
        assertTrue(e.getMessage().startsWith("pipelines.yaml, pipeline 'p', plugin 'ml_inference', key '" + key + "': " + message),
                e.getMessage());
    }

    @Test
    void bedrockEndpointIsRefusedWhereItWouldBeIgnored() throws Exception {
        final ConfigurationException e = assertThrows(ConfigurationException.class, () -> bind(BUILT_IN.replace("amazon.titan-embed-text-v2:0", "m0delID")
                + "host: \"https://search-x.eu-west-1.es.amazonaws.com\"\n", "bedrock_endpoint: \"http://127.0.0.1:9999\""));
        assertTrue(e.getMessage().contains("key 'bedrock_endpoint': bedrock_endpoint must be an http:// or https:// URL, and is only used with "
                + "service_name bedrock and a built-in model_id"), e.getMessage());
    }

    private static void bind(final String base, final String change) throws Exception {
        final YAMLMapper yaml = new YAMLMapper();
        final TypeReference<LinkedHashMap<String, Object>> mapping = new TypeReference<>() {
        };
        final Map<String, Object> settings = yaml.readValue(base, mapping);
        final String changeAsMapping = change.trim().startsWith("{") ? change : "{ " + change + " }";
        settings.putAll(yaml.readValue(changeAsMapping, mapping));
        new PluginConfigBinder(new DefaultEventKeyFactory()).bind(MLProcessorConfig.class, settings,
                ConfigLocation.ofFile(Path.of("pipelines.yaml")).pipeline("p").plugin("ml_inference"));
    }
}
