package dev.mlbatch.plugins.mlinference.client;

import software.amazon.awssdk.http.SdkHttpRequest;

/** {@code aws_sigv4: false} without a username: requests go out exactly as built. */
public final class NoAuthenticator implements RequestAuthenticator {
    @Override
    public SdkHttpRequest authenticate(final SdkHttpRequest request, final byte[] body) {
        return request;
    }

    @Override
    public String describe() {
        return "no authentication";
    }
}
