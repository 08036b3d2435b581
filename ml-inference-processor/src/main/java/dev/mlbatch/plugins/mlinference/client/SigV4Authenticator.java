package dev.mlbatch.plugins.mlinference.client;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

import java.time.Clock;

/**
 * Signs with the AWS SDK's {@link AwsV4HttpSigner}: service {@code es} for managed domains, {@code aoss}
 * for serverless collections. The payload is always hashed into {@code x-amz-content-sha256}, which aoss
 * requires and es accepts, so the body is covered by the signature on both.
 */
public final class SigV4Authenticator implements RequestAuthenticator {
    public static final String SERVICE_MANAGED = "es";
    public static final String SERVICE_SERVERLESS = "aoss";
    public static final String SERVICE_BEDROCK = "bedrock";

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsCredentialsProvider credentialsProvider;
    private final String region;
    private final String service;
    private final Clock clock;

    public SigV4Authenticator(final AwsCredentialsProvider credentialsProvider, final String region,
                              final boolean serverless, final Clock clock) {
        this(credentialsProvider, region, serverless ? SERVICE_SERVERLESS : SERVICE_MANAGED, clock);
    }

    /** Signs for another AWS service, e.g. {@code bedrock} (built-in Bedrock models, called directly). */
    public SigV4Authenticator(final AwsCredentialsProvider credentialsProvider, final String region,
                              final String service, final Clock clock) {
        this.credentialsProvider = credentialsProvider;
        this.region = region;
        this.service = service;
        this.clock = clock;
    }

    @Override
    public SdkHttpRequest authenticate(final SdkHttpRequest request, final byte[] body) {
        final SignedRequest signed = signer.sign(r -> r
                .identity(credentialsProvider.resolveCredentials())
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        return signed.request();
    }

    public String service() {
        return service;
    }

    @Override
    public String describe() {
        return "SigV4 (service " + service + ", region " + region + ")";
    }
}
