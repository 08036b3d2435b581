package dev.mlbatch.plugins.sink.s3;

import dev.mlbatch.plugins.common.testing.LocalS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole-object writes against s3proxy: single put, multipart for large objects, and failures that name the key. */
class S3ObjectUploaderTest {
    private static LocalS3 s3;
    private final List<Duration> sleeps = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        s3 = new LocalS3();
        s3.client().createBucket(b -> b.bucket("uploads"));
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    private S3ObjectUploader uploader(final String bucket) {
        return new S3ObjectUploader(s3.client(), bucket, 2, BackoffStrategy.exponentialDelayWithoutJitter(
                Duration.ofMillis(10), Duration.ofMillis(100)), 6L * 1024 * 1024, 5 * 1024 * 1024, sleeps::add);
    }

    @Test
    void largeObjectGoesUpAsMultipartAndArrivesWhole() {
        final byte[] content = new byte[12 * 1024 * 1024 + 123];
        new Random(7).nextBytes(content);
        uploader("uploads").upload("big/object.ndjson", content, "application/x-ndjson");
        assertArrayEquals(content, s3.client().getObjectAsBytes(b -> b.bucket("uploads").key("big/object.ndjson")).asByteArray());
        assertTrue(s3.client().listMultipartUploads(b -> b.bucket("uploads")).uploads().isEmpty(), "no upload left open");
    }

    @Test
    void smallObjectIsOnePut() {
        uploader("uploads").upload("small.ndjson", "{\"a\":1}\n".getBytes(), "application/x-ndjson");
        assertEquals("application/x-ndjson",
                s3.client().headObject(b -> b.bucket("uploads").key("small.ndjson")).contentType());
    }

    @Test
    void missingBucketFailsAtOnceNamingBucketAndKey() {
        final S3UploadException e = assertThrows(S3UploadException.class,
                () -> uploader("absent-bucket").upload("k.ndjson", new byte[10], "application/x-ndjson"));
        assertTrue(e.getMessage().contains("s3://absent-bucket/k.ndjson"), e.getMessage());
        assertTrue(e.getMessage().contains("404"), e.getMessage());
        assertTrue(sleeps.isEmpty(), "a 404 is not retried");
    }

    @Test
    void connectionFailuresAreRetriedWithGrowingBackoffThenReported() {
        final S3ObjectUploader unreachable = new S3ObjectUploader(software.amazon.awssdk.services.s3.S3Client.builder()
                .endpointOverride(java.net.URI.create("http://127.0.0.1:9")).forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .overrideConfiguration(o -> o.retryStrategy(software.amazon.awssdk.retries.DefaultRetryStrategy.doNotRetry()))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("a", "b")))
                .httpClient(software.amazon.awssdk.http.apache.ApacheHttpClient.create()).build(),
                "uploads", 2, BackoffStrategy.exponentialDelayWithoutJitter(Duration.ofMillis(10), Duration.ofMillis(100)),
                1 << 20, 5 << 20, sleeps::add);
        final S3UploadException e = assertThrows(S3UploadException.class,
                () -> unreachable.upload("k.ndjson", new byte[10], "application/x-ndjson"));
        assertTrue(e.getMessage().contains("after 3 attempt(s)"), e.getMessage());
        assertEquals(List.of(Duration.ofMillis(10), Duration.ofMillis(20)), sleeps);
    }

    @Test
    void retryableErrorsAreThoseThatMaySucceedLater() {
        assertTrue(S3ObjectUploader.isRetryable((S3Exception) S3Exception.builder().statusCode(503).build()));
        assertTrue(S3ObjectUploader.isRetryable((S3Exception) S3Exception.builder().statusCode(500).build()));
        assertTrue(S3ObjectUploader.isRetryable(SdkClientException.create("connection reset")));
        assertFalse(S3ObjectUploader.isRetryable((S3Exception) S3Exception.builder().statusCode(403).build()));
        assertFalse(S3ObjectUploader.isRetryable((S3Exception) S3Exception.builder().statusCode(404).build()));
    }
}
