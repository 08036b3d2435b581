package dev.mlbatch.plugins.s3source;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3ObjectReferenceTest {
    private static final Instant MODIFIED = Instant.parse("2025-01-02T03:04:05Z");

    @Test
    void partition_key_starts_with_upstreams_bucket_and_key_and_round_trips_keys_with_separators() {
        final S3ObjectReference object = new S3ObjectReference("bucket", "odd|key|with/pipes|", "\"abc-2\"", 42, MODIFIED);
        final String partitionKey = object.toPartitionKey();
        assertTrue(partitionKey.startsWith("bucket|odd|key|with/pipes||"), partitionKey);
        assertEquals(object, S3ObjectReference.fromPartitionKey(partitionKey));
        assertEquals("abc-2", S3ObjectReference.fromPartitionKey(partitionKey).getEtag());
    }

    @Test
    void any_change_of_etag_size_or_last_modified_gives_a_new_partition_key() {
        final String base = new S3ObjectReference("b", "k", "e1", 1, MODIFIED).toPartitionKey();
        assertEquals(base, new S3ObjectReference("b", "k", "\"e1\"", 1, MODIFIED).toPartitionKey());
        assertNotEquals(base, new S3ObjectReference("b", "k", "e2", 1, MODIFIED).toPartitionKey());
        assertNotEquals(base, new S3ObjectReference("b", "k", "e1", 2, MODIFIED).toPartitionKey());
        assertNotEquals(base, new S3ObjectReference("b", "k", "e1", 1, MODIFIED.plusSeconds(1)).toPartitionKey());
    }

    @Test
    void keys_not_made_by_this_source_are_refused_with_the_expected_form() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> S3ObjectReference.fromPartitionKey("bucket|key"));
        assertTrue(e.getMessage().contains("bucket|key|etag|size|lastModifiedMillis"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> S3ObjectReference.fromPartitionKey("b|k|e|x|y"));
    }
}
