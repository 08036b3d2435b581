package dev.mlbatch.plugins.mlinference.config;

import dev.mlbatch.plugins.mlinference.support.ConfigBinder;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** service_name openai / cohere: the provider_api block, its defaults and rules, and the per-service defaults. */
class HostedServiceConfigTest {
    private static final String BASE = """
            host: "https://search-x.us-east-1.es.amazonaws.com"
            model_id: "m1"
            output_path: "s3://out-bucket/prefix"
            aws:
              region: "us-east-1"
            """;

    @Test
    void openAiBindsWithItsDefaults() {
        final MLProcessorConfig config = ConfigBinder.bind(BASE + "service_name: openai\nprovider_api: { api_key: \"sk-abc\" }\n");
        assertEquals(ServiceName.OPENAI, config.getServiceName());
        assertTrue(config.getServiceName().isHostedApi());
        assertEquals(URI.create("https://api.openai.com"), config.getProviderApi().endpoint(ServiceName.OPENAI));
        assertEquals("sk-abc", config.getProviderApi().getApiKey());
        assertEquals(Duration.ofMinutes(10), config.getProviderApi().getValidationTimeout());
        assertEquals("/body/input", config.getRecordTextPath());
        assertFalse(config.getProviderApi().toString().contains("sk-abc"), "the key never shows in a toString");
    }

    @Test
    void cohereBindsWithItsDefaultsAndALocalEndpoint() {
        final MLProcessorConfig config = ConfigBinder.bind(BASE + "service_name: cohere\n"
                + "provider_api: { endpoint: \"http://127.0.0.1:9911/cohere/\", api_key: \"co-key\", validation_timeout: 30s }\n");
        assertEquals(ServiceName.COHERE, config.getServiceName());
        assertEquals(URI.create("http://127.0.0.1:9911/cohere"), config.getProviderApi().endpoint(ServiceName.COHERE));
        assertEquals(Duration.ofSeconds(30), config.getProviderApi().getValidationTimeout());
        assertEquals("/text", config.getRecordTextPath());
        assertEquals(URI.create("https://api.cohere.com"),
                ConfigBinder.bind(BASE + "service_name: cohere\nprovider_api: { api_key: k }\n").getProviderApi().endpoint(ServiceName.COHERE));
    }

    @Test
    void theKeyIsRequiredAndNamed() {
        for (final String service : new String[]{"openai", "cohere"}) {
            assertProblem(BASE + "service_name: " + service + "\n", "provider_api.api_key is required with service_name openai or cohere");
            assertProblem(BASE + "service_name: " + service + "\nprovider_api: { endpoint: \"https://api.example.com\" }\n",
                    "provider_api.api_key is required");
            assertProblem(BASE + "service_name: " + service + "\nprovider_api: { api_key: \" \" }\n", "provider_api.api_key is required");
        }
        // Not needed where nothing is uploaded.
        ConfigBinder.bind(BASE + "service_name: bedrock\n");
    }

    @Test
    void badValuesAreNamed() {
        assertProblem(BASE + "service_name: openai\nprovider_api: { api_key: k, endpoint: \"api.openai.com\" }\n",
                "provider_api.endpoint must be an http:// or https:// URL");
        assertProblem(BASE + "service_name: cohere\nprovider_api: { api_key: k, validation_timeout: 0s }\n",
                "provider_api.validation_timeout must be between 1s and 1h");
        assertProblem(BASE + "service_name: openai\nprovider_api: { api_key: k, token: x }\n", "token");
    }

    @Test
    void parametersTheProcessorSetsPerJobAreRefused() {
        assertProblem(BASE + "service_name: openai\nprovider_api: { api_key: k }\nparameters: { input_file_id: file-1 }\n",
                "input_file_id or metadata (openai)");
        assertProblem(BASE + "service_name: openai\nprovider_api: { api_key: k }\nparameters: { metadata: { a: b } }\n",
                "parameters must not set");
        assertProblem(BASE + "service_name: cohere\nprovider_api: { api_key: k }\nparameters: { dataset_id: d }\n", "dataset_id or name (cohere)");
        assertProblem(BASE + "service_name: cohere\nprovider_api: { api_key: k }\nparameters: { name: n }\n", "parameters must not set");
        // The endpoint may be chosen (it must match the url of the input lines).
        ConfigBinder.bind(BASE + "service_name: openai\nprovider_api: { api_key: k }\nparameters: { endpoint: /v1/embeddings }\n");
    }

    private static void assertProblem(final String yaml, final String expected) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigBinder.bind(yaml));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains("sk-abc"));
    }
}
