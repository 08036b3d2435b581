package dev.mlbatch.bench.scan;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticBucketTest {
    @Test
    void paging_with_continuation_returns_every_key_once_in_sorted_order() {
        final SyntheticBucket bucket = new SyntheticBucket("b", 2_345);
        final List<String> keys = new ArrayList<>();
        String after = null;
        SyntheticBucket.Page page;
        int pages = 0;
        do {
            page = bucket.page(null, after, 1000);
            page.indexes().forEach(i -> keys.add(SyntheticBucket.key(i)));
            after = page.lastKey();
            pages++;
        } while (page.truncated());
        assertEquals(3, pages);
        assertEquals(2_345, keys.size());
        final List<String> sorted = new ArrayList<>(keys);
        sorted.sort(null);
        assertEquals(sorted, keys);
        assertEquals(2_345, keys.stream().distinct().count());
    }

    @Test
    void a_full_last_page_is_not_truncated() {
        final SyntheticBucket bucket = new SyntheticBucket("b", 2_000);
        assertTrue(bucket.page(null, null, 1000).truncated());
        final SyntheticBucket.Page last = bucket.page(null, SyntheticBucket.key(999), 1000);
        assertEquals(1000, last.indexes().size());
        assertFalse(last.truncated());
    }

    @Test
    void prefix_and_start_after_select_a_range() {
        final SyntheticBucket bucket = new SyntheticBucket("b", 5_000);
        final SyntheticBucket.Page batch2 = bucket.page("batch-0002/", null, 1000);
        assertEquals(1000, batch2.indexes().size());
        assertEquals(2000, batch2.indexes().get(0));
        assertEquals(2999, batch2.indexes().get(999));
        assertFalse(batch2.truncated());
        final SyntheticBucket.Page tail = bucket.page("batch-0004/", SyntheticBucket.key(4990), 1000);
        assertEquals(List.of(4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999), tail.indexes());
        assertTrue(bucket.page("nothing/", null, 1000).indexes().isEmpty());
        // max-keys above 1,000 is capped, as S3 does
        assertEquals(1000, bucket.page(null, null, 5000).indexes().size());
    }

    @Test
    void index_of_accepts_only_keys_of_the_bucket() {
        final SyntheticBucket bucket = new SyntheticBucket("b", 1_000_000);
        assertEquals(999_999, bucket.indexOf("batch-0999/input-0999999.jsonl"));
        assertEquals(-1, bucket.indexOf("batch-0001/input-0999999.jsonl"));
        assertEquals(-1, bucket.indexOf("batch-1000/input-1000000.jsonl"));
        assertEquals(-1, bucket.indexOf("other"));
        assertEquals(-1, bucket.indexOf(null));
    }

    @Test
    void etags_differ_and_content_is_one_json_line() {
        assertNotEquals(SyntheticBucket.etag(1), SyntheticBucket.etag(2));
        assertEquals(32, SyntheticBucket.etag(7).length());
        assertEquals("{\"id\":42}\n", new String(SyntheticBucket.content(42)));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticBucket("b", SyntheticBucket.MAX_OBJECTS + 1));
    }
}
