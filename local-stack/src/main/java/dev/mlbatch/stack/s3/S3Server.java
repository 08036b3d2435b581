package dev.mlbatch.stack.s3;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The local S3: s3proxy in process with its filesystem back end (one folder per bucket under
 * {@code baseDir}), on 127.0.0.1, accepting SigV2/SigV4 with one fixed key pair. Listings show complete objects
 * only ({@link CompleteObjectsOnly}). A second endpoint on a free port serves the same store to clients that address
 * buckets virtual-hosted style ({@code <bucket>.}{@value #VIRTUAL_HOST}{@code :<port>}): upstream Data Prepper's S3
 * clients have no path-style option, and reach it when their JVM resolves those names to 127.0.0.1
 * ({@code mlbatch compat --versus-upstream}). It also takes path-style requests whose host is {@value #VIRTUAL_HOST}.
 * Two endpoints, because s3proxy with a virtual host takes any other host name (127.0.0.1) for a bucket name.
 */
public final class S3Server implements AutoCloseable {
    public static final String VIRTUAL_HOST = "s3.localhost";

    private final S3Proxy proxy;
    private final S3Proxy virtualHosted;

    private S3Server(S3Proxy proxy, S3Proxy virtualHosted) {
        this.proxy = proxy;
        this.virtualHosted = virtualHosted;
    }

    public static S3Server start(Path baseDir, int port, String accessKey, String secretKey) throws Exception {
        Files.createDirectories(baseDir);
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", baseDir.toAbsolutePath().toString());
        CompleteObjectsOnly store = new CompleteObjectsOnly(BlobStores.create("filesystem", props));
        S3Proxy proxy = started(proxy(store, port, accessKey, secretKey).build());
        S3Proxy virtualHosted = started(proxy(store, 0, accessKey, secretKey).virtualHost(VIRTUAL_HOST).build());
        return new S3Server(proxy, virtualHosted);
    }

    private static S3Proxy.Builder proxy(CompleteObjectsOnly store, int port, String accessKey, String secretKey) {
        return S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // S3 clients send x-amz-expected-bucket-owner; s3proxy rejects unknown headers by default.
                .ignoreUnknownHeaders(true);
    }

    private static S3Proxy started(S3Proxy proxy) throws Exception {
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(20);
        }
        return proxy;
    }

    public int port() {
        return proxy.getPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** The virtual-hosted-style endpoint's port, on 127.0.0.1. */
    public int virtualHostedPort() {
        return virtualHosted.getPort();
    }

    @Override
    public void close() throws Exception {
        try {
            virtualHosted.stop();
        } finally {
            proxy.stop();
        }
    }
}
