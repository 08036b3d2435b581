package dev.mlbatch.plugins.sink.opensearch;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.aws.AwsSdk2Transport;
import org.opensearch.client.transport.aws.AwsSdk2TransportOptions;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.opensearch.dataprepper.aws.api.AwsCredentialsOptions;
import org.opensearch.dataprepper.aws.api.AwsCredentialsSupplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

import javax.net.ssl.TrustManager;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * Builds the opensearch-java transport for the sink: {@link AwsSdk2Transport} signing with the AWS SDK's SigV4 signer
 * ({@code es}, or {@code aoss} with the payload hash) when there is an {@code aws} block, otherwise the Apache
 * HttpClient 5 transport with preemptive basic auth when username/password are given. Both honour
 * {@code cert}, {@code insecure}, {@code connect_timeout} and {@code socket_timeout}.
 */
public final class OpenSearchTransportFactory {
    /** Enough connections for every pipeline worker to have a bulk request in flight. */
    private static final int MAX_CONNECTIONS = 50;

    private OpenSearchTransportFactory() {
    }

    public static OpenSearchTransport create(final OpenSearchSinkConfig config, final AwsCredentialsSupplier credentialsSupplier) {
        return config.isAwsSigv4() ? sigV4(config, credentialsSupplier) : basicAuth(config);
    }

    static OpenSearchTransport sigV4(final OpenSearchSinkConfig config, final AwsCredentialsSupplier credentialsSupplier) {
        if (credentialsSupplier == null) {
            throw new IllegalStateException("the aws block needs the runtime's AwsCredentialsSupplier, which was not provided");
        }
        final OpenSearchAwsConfig aws = config.getAws();
        // A named AWS configuration replaces the inline role (the shared block allows only one of them).
        final AwsCredentialsProvider credentials = aws.getConfiguration() != null
                ? credentialsSupplier.getProvider(aws.getConfiguration())
                : credentialsSupplier.getProvider(AwsCredentialsOptions.builder()
                        .withRegion(aws.region())
                        .withStsRoleArn(aws.getAwsStsRoleArn())
                        .withStsExternalId(aws.getAwsStsExternalId())
                        .withStsHeaderOverrides(aws.getAwsStsHeaderOverrides())
                        .build());
        // AWS endpoints are single URLs (load-balanced by AWS); the first host is the endpoint.
        final URI endpoint = URI.create(config.getHosts().get(0));
        final String host = endpoint.getPort() == -1 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();

        final ApacheHttpClient.Builder http = ApacheHttpClient.builder().maxConnections(MAX_CONNECTIONS);
        if (config.getConnectTimeout() != null) {
            http.connectionTimeout(Duration.ofMillis(config.getConnectTimeout()));
        }
        if (config.getSocketTimeout() != null) {
            http.socketTimeout(Duration.ofMillis(config.getSocketTimeout()));
        }
        final SdkHttpClient client;
        if (config.isInsecure()) {
            client = http.buildWithDefaults(AttributeMap.builder()
                    .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true).build());
        } else {
            final TrustManager[] trustManagers = TlsTrust.trustManagers(config);
            if (trustManagers != null) {
                http.tlsTrustManagersProvider(() -> trustManagers);
            }
            client = http.build();
        }
        final SdkHttpClient transportClient = "http".equals(endpoint.getScheme()) ? new PlainHttpSdkClient(client) : client;
        return new AwsSdk2Transport(transportClient, host, aws.signingServiceName(), aws.region(),
                AwsSdk2TransportOptions.builder()
                        .setCredentials(credentials)
                        .setMapper(new JacksonJsonpMapper())
                        .build());
    }

    static OpenSearchTransport basicAuth(final OpenSearchSinkConfig config) {
        final List<String> hosts = config.getHosts();
        final HttpHost[] httpHosts = new HttpHost[hosts.size()];
        for (int i = 0; i < hosts.size(); i++) {
            final URI uri = URI.create(hosts.get(i));
            httpHosts[i] = new HttpHost(uri.getScheme(), uri.getHost(), uri.getPort() == -1
                    ? ("https".equals(uri.getScheme()) ? 443 : 80) : uri.getPort());
        }
        final ApacheHttpClient5TransportBuilder builder = ApacheHttpClient5TransportBuilder.builder(httpHosts)
                .setMapper(new JacksonJsonpMapper());
        if (config.getUsername() != null) {
            // Preemptive: a challenge round-trip would send every bulk body twice.
            final String token = Base64.getEncoder().encodeToString(
                    (config.getUsername() + ":" + config.getPassword()).getBytes(StandardCharsets.UTF_8));
            builder.setDefaultHeaders(new Header[]{new BasicHeader(HttpHeaders.AUTHORIZATION, "Basic " + token)});
        }
        builder.setHttpClientConfigCallback(httpClient -> {
            final ConnectionConfig.Builder connection = ConnectionConfig.custom();
            if (config.getConnectTimeout() != null) {
                connection.setConnectTimeout(Timeout.ofMilliseconds(config.getConnectTimeout()));
            }
            if (config.getSocketTimeout() != null) {
                connection.setSocketTimeout(Timeout.ofMilliseconds(config.getSocketTimeout()));
            }
            final ClientTlsStrategyBuilder tls = ClientTlsStrategyBuilder.create().setSslContext(TlsTrust.sslContext(config));
            if (config.isInsecure()) {
                tls.setHostnameVerifier(NoopHostnameVerifier.INSTANCE);
            }
            return httpClient.setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                    .setDefaultConnectionConfig(connection.build())
                    .setTlsStrategy(tls.build())
                    .setMaxConnTotal(MAX_CONNECTIONS)
                    .setMaxConnPerRoute(MAX_CONNECTIONS)
                    .build());
        });
        if (config.getSocketTimeout() != null) {
            builder.setRequestConfigCallback(request -> request.setResponseTimeout(Timeout.ofMilliseconds(config.getSocketTimeout())));
        }
        return builder.build();
    }
}
