package dev.mlbatch.plugins.mlinference.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.config.MLProcessorConfig;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

import java.net.URI;
import java.time.Clock;

/** Builds the ML Commons client the config asks for: SigV4 (es/aoss), basic auth, or none; TLS verified unless insecure. */
public final class MlCommonsClientFactory {
    private MlCommonsClientFactory() {
    }

    public static MlCommonsClient create(final MLProcessorConfig config, final AwsCredentialsSupplier credentialsSupplier,
                                         final ObjectMapper mapper) {
        return new MlCommonsClient(URI.create(config.getHost()), httpClient(config), authenticator(config, credentialsSupplier), mapper);
    }

    static RequestAuthenticator authenticator(final MLProcessorConfig config, final AwsCredentialsSupplier credentialsSupplier) {
        if (config.isSigningEnabled()) {
            return new SigV4Authenticator(config.getAws().credentials(credentialsSupplier),
                    config.getAws().regionId(), config.getAws().isServerless(), Clock.systemUTC());
        }
        if (config.getUsername() != null) {
            return new BasicAuthenticator(config.getUsername(), config.getPassword());
        }
        return new NoAuthenticator();
    }

    static SdkHttpClient httpClient(final MLProcessorConfig config) {
        return ApacheHttpClient.builder()
                .connectionTimeout(config.getRequestTimeout())
                .socketTimeout(config.getRequestTimeout())
                .buildWithDefaults(AttributeMap.builder()
                        .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, config.isInsecure())
                        .build());
    }
}
