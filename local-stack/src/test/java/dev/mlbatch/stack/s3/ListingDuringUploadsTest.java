package dev.mlbatch.stack.s3;

import dev.mlbatch.stack.LocalCredentials;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Listing a bucket while large objects are being uploaded (slow single PUTs whose bodies trickle in, and multipart
 * uploads) never shows a key that is not a complete object: s3proxy's own temporary files and multipart parts stay
 * out, and every listed key reads back with all its bytes.
 */
class ListingDuringUploadsTest {

    private static final String BUCKET = "bkt";
    private static final int SLOW_PUTS = 4;
    private static final int MULTIPART_UPLOADS = 3;

    @TempDir
    Path dir;

    @Test
    void theStoreItselfShowsItsTemporaryFileDuringASlowUpload() throws Exception {
        // The root cause, on s3proxy's filesystem store without CompleteObjectsOnly in front.
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toString());
        S3Proxy raw = S3Proxy.builder().blobStore(BlobStores.create("filesystem", props))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY)
                .ignoreUnknownHeaders(true).build();
        raw.start();
        while (!"STARTED".equals(raw.getState())) {
            Thread.sleep(20);
        }
        String endpoint = "http://127.0.0.1:" + raw.getPort();
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try (S3Client s3 = client(endpoint); S3Presigner presigner = presigner(endpoint)) {
            s3.createBucket(r -> r.bucket(BUCKET));
            Future<?> upload = pool.submit(() -> slowPut(presigner, "in/slow.jsonl", content("in/slow.jsonl", 2 << 20)));
            Set<String> seen = new HashSet<>();
            while (!upload.isDone()) {
                s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix("in/")).contents().forEach(o -> seen.add(o.key()));
            }
            upload.get();
            assertTrue(seen.stream().anyMatch(k -> k.matches("in/slow\\.jsonl-[0-9a-f-]{36}")),
                    "the raw store listed its temporary file: " + seen);
        } finally {
            pool.shutdownNow();
            raw.stop();
        }
    }

    @Test
    void listingsShowOnlyCompleteObjectsWhileUploadsAreInFlight() throws Exception {
        S3Server server = S3Server.start(dir, 0, LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY);
        Map<String, byte[]> expected = new LinkedHashMap<>();
        for (int i = 0; i < SLOW_PUTS; i++) {
            expected.put("in/run/put-" + i + ".jsonl", content("put-" + i, (3 << 20) + i));
        }
        for (int i = 0; i < MULTIPART_UPLOADS; i++) {
            expected.put("in/run/mpu-" + i + ".jsonl", content("mpu-" + i, (6 << 20) + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(SLOW_PUTS + MULTIPART_UPLOADS);
        try (S3Client s3 = client(server.endpoint()); S3Presigner presigner = presigner(server.endpoint())) {
            s3.createBucket(r -> r.bucket(BUCKET));
            List<Future<?>> writes = new ArrayList<>();
            AtomicInteger done = new AtomicInteger();
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                writes.add(pool.submit(() -> {
                    if (e.getKey().contains("/put-")) {
                        slowPut(presigner, e.getKey(), e.getValue());
                    } else {
                        multipart(s3, e.getKey(), e.getValue());
                    }
                    done.incrementAndGet();
                    return null;
                }));
            }
            List<String> violations = Collections.synchronizedList(new ArrayList<>());
            Set<String> verified = new HashSet<>();
            int listingsDuringWrites = 0;
            while (done.get() < expected.size()) {
                for (String prefix : new String[] {"", "in/", "in/run/"}) {
                    for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(prefix)).contents()) {
                        byte[] want = expected.get(o.key());
                        if (want == null) {
                            violations.add("listed a key that is no complete object: " + o.key());
                        } else if (verified.add(o.key())) {
                            byte[] got = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(o.key())).asByteArray();
                            if (o.size() != want.length || !Arrays.equals(want, got)) {
                                violations.add(o.key() + " listed with " + o.size() + " bytes, read " + got.length
                                        + ", written " + want.length);
                            }
                        }
                    }
                    listingsDuringWrites++;
                }
            }
            for (Future<?> w : writes) {
                w.get();
            }
            assertEquals(List.of(), violations);
            assertTrue(listingsDuringWrites >= 20, "the listings ran while uploads were in flight: " + listingsDuringWrites);
            List<String> listed = s3.listObjectsV2Paginator(r -> r.bucket(BUCKET)).contents().stream().map(S3Object::key).sorted().toList();
            assertEquals(expected.keySet().stream().sorted().toList(), listed);
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(e.getKey())).asByteArray(), e.getKey());
            }
        } finally {
            pool.shutdownNow();
            server.close();
        }
    }

    @Test
    void aGenuineKeyEndingInAUuidIsListed() throws Exception {
        S3Server server = S3Server.start(dir, 0, LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY);
        try (S3Client s3 = client(server.endpoint())) {
            s3.createBucket(r -> r.bucket(BUCKET));
            String key = "in/a.jsonl-123e4567-e89b-12d3-a456-426614174000";
            s3.putObject(r -> r.bucket(BUCKET).key("in/a.jsonl"), RequestBody.fromString("a"));
            s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromString("b"));
            assertEquals(List.of("in/a.jsonl", key),
                    s3.listObjectsV2(r -> r.bucket(BUCKET).prefix("in/")).contents().stream().map(S3Object::key).toList());
        } finally {
            server.close();
        }
    }

    /** A presigned PUT (unsigned payload) whose body arrives over about 1.5 s, as from a slow writer. */
    private static void slowPut(S3Presigner presigner, String key, byte[] body) {
        URI url;
        try {
            url = presigner.presignPutObject(r -> r.signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(p -> p.bucket(BUCKET).key(key))).url().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        InputStream trickle = new InputStream() {
            private int pos;

            @Override
            public int read() {
                return pos < body.length ? body[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= body.length) {
                    return -1;
                }
                try {
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                int n = Math.min(Math.min(len, 64 * 1024), body.length - pos);
                System.arraycopy(body, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> trickle), body.length))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("PUT " + key + ": " + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void multipart(S3Client s3, String key, byte[] body) {
        String uploadId = s3.createMultipartUpload(r -> r.bucket(BUCKET).key(key)).uploadId();
        int partSize = 5 << 20;
        List<CompletedPart> parts = new ArrayList<>();
        for (int n = 1, off = 0; off < body.length; n++, off += partSize) {
            int number = n;
            byte[] part = Arrays.copyOfRange(body, off, Math.min(body.length, off + partSize));
            String etag = s3.uploadPart(r -> r.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(number),
                    RequestBody.fromBytes(part)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        s3.completeMultipartUpload(r -> r.bucket(BUCKET).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
    }

    private static byte[] content(String seed, int size) {
        byte[] line = ("{\"seed\":\"" + seed + "\",\"text\":\"some text to embed\"}\n").getBytes();
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = line[i % line.length];
        }
        return out;
    }

    private static S3Client client(String endpoint) {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .httpClient(software.amazon.awssdk.http.apache.ApacheHttpClient.create()).build();
    }

    private static S3Presigner presigner(String endpoint) {
        return S3Presigner.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(credentials()).build();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalCredentials.ACCESS_KEY_ID, LocalCredentials.SECRET_ACCESS_KEY));
    }
}
