package dev.mlbatch.plugins.mlinference.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.AssertTrue;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The {@code provider_api} block (ours): where the processor reaches OpenAI or Cohere itself, for what ML Commons'
 * connector cannot do — uploading the input file / dataset before the job and downloading the outputs after it.
 * The key is the same secret the connector holds; it is never logged, and {@link #toString()} hides it.
 */
public class ProviderApiOptions {
    public static final String OPENAI_ENDPOINT = "https://api.openai.com";
    public static final String COHERE_ENDPOINT = "https://api.cohere.com";
    public static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofMinutes(10);

    @JsonProperty("endpoint")
    @JsonPropertyDescription("Base URL of the provider's API, under which the /v1/... paths go. Default https://api.openai.com or https://api.cohere.com.")
    private String endpoint;

    @JsonProperty("api_key")
    @JsonPropertyDescription("The provider's API key, sent as a Bearer token. Required for openai and cohere. Never logged.")
    private String apiKey;

    @JsonProperty("validation_timeout")
    @JsonPropertyDescription("How long to wait for Cohere to validate an uploaded dataset, as a duration. Default 10m.")
    private Duration validationTimeout = DEFAULT_VALIDATION_TIMEOUT;

    /** The base URL the {@code /v1/...} paths go under; the provider's public API unless set. */
    public URI endpoint(final ServiceName service) {
        final String value = endpoint != null ? endpoint : service == ServiceName.COHERE ? COHERE_ENDPOINT : OPENAI_ENDPOINT;
        return URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    }

    public String getApiKey() {
        return apiKey;
    }

    public Duration getValidationTimeout() {
        return validationTimeout;
    }

    @AssertTrue(message = "provider_api.endpoint must be an http:// or https:// URL such as https://api.openai.com")
    boolean isEndpointValid() {
        if (endpoint == null) {
            return true;
        }
        try {
            final URI uri = new URI(endpoint);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null
                    && uri.getUserInfo() == null;
        } catch (final URISyntaxException e) {
            return false;
        }
    }

    @AssertTrue(message = "provider_api.validation_timeout must be between 1s and 1h")
    boolean isValidationTimeoutValid() {
        return validationTimeout != null && validationTimeout.compareTo(Duration.ofSeconds(1)) >= 0
                && validationTimeout.compareTo(Duration.ofHours(1)) <= 0;
    }

    @Override
    public String toString() {
        return "provider_api{endpoint=" + endpoint + ", api_key=" + (apiKey == null ? "unset" : "***") + "}";
    }
}
