package dev.mlbatch.plugins.mlinference.batch;

import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.event.TestEventKeyFactory;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputObjectResolverTest {
    private final InputObjectResolver resolver = new InputObjectResolver(null);

    @Test
    void metadataOnlyEventPinsVersionByTimeAndLength() throws Exception {
        final InputObject input = resolver.resolve(event(Map.of("bucket", "b", "key", "in/p1.jsonl", "time", 1753870500.000000000, "length", 6234)));
        assertEquals("s3://b/in/p1.jsonl", input.s3Uri());
        assertEquals("modified:1753870500,length:6234", input.version());
        // The same instant written as ISO-8601 text gives the same identity.
        assertEquals(input.identity(), resolver.resolve(event(Map.of("bucket", "b", "key", "in/p1.jsonl",
                "time", "2025-07-30T10:15:00Z", "length", 6234))).identity());
    }

    @Test
    void etagWinsWhenPresent() throws Exception {
        final InputObject input = resolver.resolve(event(Map.of("bucket", "b", "key", "k", "etag", "\"abc123\"", "time", 1, "length", 2)));
        assertEquals("etag:abc123", input.version());
    }

    @Test
    void inputKeyReplacesKey() throws Exception {
        final InputObjectResolver withKey = new InputObjectResolver(TestEventKeyFactory.getTestEventFactory().createEventKey("/s3/object"));
        assertEquals("s3://b/x/y.jsonl", withKey.resolve(event(Map.of("bucket", "b", "s3", Map.of("object", "x/y.jsonl")))).s3Uri());
        final BadInputException e = assertThrows(BadInputException.class, () -> withKey.resolve(event(Map.of("bucket", "b", "key", "k"))));
        assertTrue(e.getMessage().contains("input_key '/s3/object'"), e.getMessage());
    }

    @Test
    void missingBucketOrKeyIsExplained() {
        final BadInputException noBucket = assertThrows(BadInputException.class, () -> resolver.resolve(event(Map.of("key", "k"))));
        assertTrue(noBucket.getMessage().contains("no 'bucket' field"), noBucket.getMessage());
        final BadInputException noKey = assertThrows(BadInputException.class, () -> resolver.resolve(event(Map.of("bucket", "b"))));
        assertTrue(noKey.getMessage().contains("no 'key' field (bucket 'b')"), noKey.getMessage());
    }

    static Event event(final Map<String, Object> data) {
        return JacksonEvent.builder().withEventType("event").withData(data).build();
    }
}
