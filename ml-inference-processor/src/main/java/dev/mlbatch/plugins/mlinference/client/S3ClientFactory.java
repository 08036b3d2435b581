package dev.mlbatch.plugins.mlinference.client;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.net.URI;

/** S3 clients for manifests and the DLQ; an endpoint override (the local stack) implies path-style addressing. */
public final class S3ClientFactory {
    private S3ClientFactory() {
    }

    public static S3Client create(final String region, final AwsCredentialsProvider credentials, final URI endpoint,
                                  final boolean forcePathStyle) {
        final S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClient(ApacheHttpClient.create())
                .forcePathStyle(forcePathStyle || endpoint != null);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }
}
