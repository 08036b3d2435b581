package dev.mlbatch.plugins.s3source;

import dev.mlbatch.plugins.common.testing.LocalS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RangedObjectInputStreamTest {
    private static LocalS3 s3;

    @BeforeAll
    static void start() throws Exception {
        s3 = LocalS3.start();
        s3.createBucket("ranges");
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    private static S3ObjectReference listed(final String key) {
        final S3Object object = s3.client().listObjectsV2(b -> b.bucket("ranges").prefix(key)).contents().get(0);
        return new S3ObjectReference("ranges", key, object.eTag(), object.size(), object.lastModified());
    }

    @Test
    void stitches_ranged_reads_into_the_exact_object_bytes() throws IOException {
        final byte[] content = new byte[10_000 + 17];
        new Random(7).nextBytes(content);
        s3.put("ranges", "random.bin", content);
        try (InputStream in = new RangedObjectInputStream(s3.client(), listed("random.bin"), Optional.empty(), 1024)) {
            assertArrayEquals(content, in.readAllBytes());
        }
    }

    @Test
    void a_changed_object_fails_with_412_instead_of_mixing_versions() throws IOException {
        s3.put("ranges", "changing.txt", "version one, long enough to need several ranges");
        final S3ObjectReference first = listed("changing.txt");
        try (InputStream in = new RangedObjectInputStream(s3.client(), first, Optional.empty(), 8)) {
            assertEquals('v', in.read());
            s3.put("ranges", "changing.txt", "version two, also long enough to need several ranges");
            final S3Exception e = assertThrows(S3Exception.class, in::readAllBytes);
            assertEquals(412, e.statusCode());
        }
    }
}
