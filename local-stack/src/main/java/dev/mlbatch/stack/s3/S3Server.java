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
 * only ({@link CompleteObjectsOnly}). Besides path-style requests it answers virtual-hosted-style ones for
 * {@value #VIRTUAL_HOST} ({@code <bucket>.s3.localhost:<port>}): upstream Data Prepper's S3 clients have no path-style
 * option, and reach this server that way when the JVM resolves those names to 127.0.0.1 ({@code mlbatch compat}).
 */
public final class S3Server implements AutoCloseable {
    public static final String VIRTUAL_HOST = "s3.localhost";

    private final S3Proxy proxy;

    private S3Server(S3Proxy proxy) {
        this.proxy = proxy;
    }

    public static S3Server start(Path baseDir, int port, String accessKey, String secretKey) throws Exception {
        Files.createDirectories(baseDir);
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", baseDir.toAbsolutePath().toString());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new CompleteObjectsOnly(BlobStores.create("filesystem", props)))
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // S3 clients send x-amz-expected-bucket-owner; s3proxy rejects unknown headers by default.
                .ignoreUnknownHeaders(true)
                .virtualHost(VIRTUAL_HOST)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(20);
        }
        return new S3Server(proxy);
    }

    public int port() {
        return proxy.getPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
