package dev.mlbatch.bench.scan;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

/**
 * Benchmark helper run in its own JVM (on the local stack's services class path, which s3proxy needs), so the
 * benchmark's heap holds only the pipeline: s3proxy either in memory
 * ({@code transient <bucket> <objects>}, filled in process, which is far faster than that many PUTs), with one
 * {@link SyntheticBucket} of any size ({@code synthetic <bucket> <objects>}: no memory per object, and a page costs
 * the same however big the bucket), or on the filesystem backend over a folder ({@code filesystem <folder>}, one
 * sub-folder per bucket). Prints
 * {@code PORT <n>} when ready; exits when its stdin closes.
 */
public final class LocalS3ServerMain {
    static final String ACCESS_KEY = "bench-access-key";
    static final String SECRET_KEY = "bench-secret-key";
    static final String COUNTS_COMMAND = "counts";
    static final String RESET_COMMAND = "reset";
    static final String COUNTS_ANSWER = "COUNTS ";

    private LocalS3ServerMain() {
    }

    public static void main(final String[] args) throws Exception {
        final BlobStore store;
        String virtualHost = null;
        if ("transient".equals(args[0])) {
            store = BlobStores.create("transient", new Properties());
            final String bucket = args[1];
            final int objects = Integer.parseInt(args[2]);
            store.createContainer(bucket);
            for (int i = 0; i < objects; i++) {
                final byte[] content = ("{\"id\":" + i + "}\n").getBytes(StandardCharsets.UTF_8);
                store.putBlob(PutObjectRequest.builder().bucket(bucket)
                                .key(String.format(Locale.ROOT, "batch-%03d/input-%06d.jsonl", i / 1000, i))
                                .contentLength((long) content.length).build(),
                        new ByteArrayInputStream(content));
            }
            if (args.length > 3) {
                virtualHost = args[3];
            }
        } else if ("synthetic".equals(args[0])) {
            store = new SyntheticBlobStore(BlobStores.create("transient", new Properties()),
                    new SyntheticBucket(args[1], Integer.parseInt(args[2])));
        } else {
            final Properties properties = new Properties();
            properties.setProperty("jclouds.filesystem.basedir", args[1]);
            store = BlobStores.create("filesystem", properties);
        }
        final RequestCounter counter = new RequestCounter(store);
        final S3Proxy.Builder builder = S3Proxy.builder()
                .blobStore(counter)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true);
        if (virtualHost != null) {
            builder.virtualHost(virtualHost);
        }
        final S3Proxy proxy = builder.build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(20);
        }
        System.out.println("PORT " + proxy.getPort());
        System.out.flush();
        final BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String command;
        while ((command = commands.readLine()) != null) { // runs until the parent closes our stdin
            if (COUNTS_COMMAND.equals(command)) {
                System.out.println(COUNTS_ANSWER + counter.report());
                System.out.flush();
            } else if (RESET_COMMAND.equals(command)) {
                counter.reset();
            }
        }
        proxy.stop();
        System.exit(0);
    }
}
