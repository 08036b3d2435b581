package dev.mlbatch.plugins.mlinference.client;

import software.amazon.awssdk.http.SdkHttpRequest;

/** Adds authentication to a request that is about to go to OpenSearch. */
public interface RequestAuthenticator {
    SdkHttpRequest authenticate(SdkHttpRequest request, byte[] body);

    /** For log lines and errors: how requests are authenticated, never with secrets. */
    String describe();
}
