package dev.mlbatch.plugins.sink.opensearch;

import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * Sends the signed requests of opensearch-java's {@code AwsSdk2Transport} over plain HTTP. That transport always
 * builds {@code https://} URLs, but local SigV4 gateways and test servers speak HTTP. The scheme is not part of
 * the SigV4 signature (the Host header, port included, is), so switching it after signing keeps the signature valid.
 * Used only when the configured host is an {@code http://} URL.
 */
public final class PlainHttpSdkClient implements SdkHttpClient {
    private final SdkHttpClient delegate;

    public PlainHttpSdkClient(final SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(final HttpExecuteRequest request) {
        final HttpExecuteRequest plain = HttpExecuteRequest.builder()
                .request(request.httpRequest().toBuilder().protocol("http").build())
                .contentStreamProvider(request.contentStreamProvider().orElse(null))
                .metricCollector(request.metricCollector().orElse(null))
                .build();
        return delegate.prepareRequest(plain);
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
