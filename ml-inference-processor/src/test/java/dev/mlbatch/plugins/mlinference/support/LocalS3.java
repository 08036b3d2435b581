package dev.mlbatch.plugins.mlinference.support;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

/** s3proxy in memory, for tests that write manifests and dead letters to a real S3 protocol server. */
public final class LocalS3 implements AutoCloseable {
    public static final String ACCESS_KEY = "AKIDLOCALTEST0001";
    public static final String SECRET_KEY = "local-test-secret";

    private final S3Proxy proxy;
    private final S3Client client;

    public LocalS3() throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("transient", new Properties()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start");
            }
            Thread.sleep(20);
        }
        client = S3Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create(endpoint()))
                .forcePathStyle(true).httpClient(ApacheHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))).build();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public S3Client client() {
        return client;
    }

    public void createBucket(final String bucket) {
        client.createBucket(r -> r.bucket(bucket));
    }

    public List<String> keys(final String bucket, final String prefix) {
        return client.listObjectsV2(r -> r.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }

    public String read(final String bucket, final String key) {
        return client.getObject(r -> r.bucket(bucket).key(key), ResponseTransformer.toBytes()).asString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        client.close();
        proxy.stop();
    }
}
