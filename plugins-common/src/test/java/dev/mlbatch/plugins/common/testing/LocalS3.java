package dev.mlbatch.plugins.common.testing;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

/**
 * The plugin modules' one local S3 server for tests: s3proxy in process, in-memory store, SigV4 checked against one
 * key pair (or no authentication, for sitting behind a forwarding proxy that rewrites Host), and an SDK client on
 * the Apache HTTP client (the one the plugins use) for putting and inspecting test objects. Modules that use it
 * declare s3proxy in test scope themselves (a test-jar brings no test dependencies along).
 */
public final class LocalS3 implements AutoCloseable {
    public static final String ACCESS_KEY = "AKIDLOCALTEST0001";
    public static final String SECRET_KEY = "local-test-secret";

    private final S3Proxy proxy;
    private final S3Client client;

    /** Signed requests (SigV4), as S3 wants them. */
    public LocalS3() throws Exception {
        this(AuthenticationType.AWS_V2_OR_V4);
    }

    private LocalS3(final AuthenticationType authentication) throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("transient", new Properties()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(authentication, ACCESS_KEY, SECRET_KEY)
                // s3proxy rejects headers it does not know, x-amz-expected-bucket-owner among them; S3 honours it.
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start within 30 s: " + proxy.getState());
            }
            Thread.sleep(20);
        }
        client = clientFor(endpoint());
    }

    public static LocalS3 start() throws Exception {
        return new LocalS3();
    }

    public static LocalS3 startWithoutAuthentication() throws Exception {
        return new LocalS3(AuthenticationType.NONE);
    }

    /** A client with this fixture's key pair for any endpoint (e.g. a proxy in front of the server). */
    public static S3Client clientFor(final String endpoint) {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .httpClient(ApacheHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public S3Client client() {
        return client;
    }

    public void createBucket(final String bucket) {
        client.createBucket(b -> b.bucket(bucket));
    }

    public void put(final String bucket, final String key, final byte[] content) {
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
    }

    public void put(final String bucket, final String key, final String content) {
        put(bucket, key, content.getBytes(StandardCharsets.UTF_8));
    }

    public boolean exists(final String bucket, final String key) {
        try {
            client.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (final NoSuchKeyException e) {
            return false;
        }
    }

    public List<String> keys(final String bucket, final String prefix) {
        return client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).toList();
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
