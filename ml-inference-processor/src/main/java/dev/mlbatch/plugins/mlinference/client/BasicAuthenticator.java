package dev.mlbatch.plugins.mlinference.client;

import software.amazon.awssdk.http.SdkHttpRequest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** HTTP basic auth for self-managed clusters with the security plugin. */
public final class BasicAuthenticator implements RequestAuthenticator {
    private final String username;
    private final String headerValue;

    public BasicAuthenticator(final String username, final String password) {
        this.username = username;
        this.headerValue = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public SdkHttpRequest authenticate(final SdkHttpRequest request, final byte[] body) {
        return request.toBuilder().putHeader("Authorization", headerValue).build();
    }

    @Override
    public String describe() {
        return "basic auth as '" + username + "'";
    }
}
