package org.opensearch.dataprepper.model.event;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JacksonEventTest {
    private static Event event(final String json) {
        return JacksonEvent.builder().withEventType("event").withData(json).build();
    }

    @Test
    void getsNestedValuesAndArrayElementsByPointer() {
        final Event event = event("{\"a\":{\"b\":42},\"content\":[{\"text\":\"x\"},{\"text\":\"y\"}]}");
        assertEquals(42, event.get("/a/b", Integer.class));
        assertEquals(42, event.get("a/b", Integer.class));
        assertEquals("y", event.get("/content/1/text", String.class));
        assertEquals(Map.of("text", "x"), event.get("/content/0", Map.class));
        assertFalse(event.containsKey("/content/5"));
        assertNull(event.get("/missing", String.class));
    }

    @Test
    void putCreatesIntermediateObjectsAndCanAppendOneArrayElement() {
        final Event event = event("{\"content\":[{\"t\":1},{\"t\":2}]}");
        event.put("/x/y/z", "v");
        event.put("/content/2/t", 3);
        event.put("/content/0", "replaced");
        assertEquals("v", event.get("/x/y/z", String.class));
        assertEquals(3, event.get("/content/2/t", Integer.class));
        assertEquals("replaced", event.get("/content/0", String.class));
        assertThrows(IndexOutOfBoundsException.class, () -> event.put("/content/9/t", 1));
    }

    @Test
    void deleteRemovesFieldsButNotArrayElementsAsUpstream() {
        final Event event = event("{\"a\":1,\"b\":{\"c\":2},\"l\":[{\"t\":1}]}");
        event.delete("/b/c");
        event.delete("a");
        event.delete("/missing/child");
        event.delete("/l/0/t");
        assertEquals("{\"b\":{},\"l\":[{}]}", event.toJsonString());
        assertThrows(ClassCastException.class, () -> event.delete("/l/0"));
    }

    @Test
    void instantsSerializeAsEpochSecondsAndRoundTrip() {
        final Instant time = Instant.parse("2024-01-02T03:04:05.123Z");
        final Event event = event("{}");
        event.put("time", time);
        assertEquals("{\"time\":1704164645.123000000}", event.toJsonString());
        assertEquals(time, event.get("time", Instant.class));
    }

    @Test
    void formatStringReplacesKeysAndFailsOnMissingOnes() {
        final Event event = event("{\"id\":\"doc-1\",\"n\":{\"v\":7}}");
        assertEquals("index-doc-1-7", event.formatString("index-${id}-${/n/v}"));
        assertEquals("x-none", event.formatString("x-${nope}", null, "none"));
        assertThrows(RuntimeException.class, () -> event.formatString("x-${nope}"));
    }

    @Test
    void keysAreValidatedForGetAndPutButNotForDeleteOnly() {
        final EventKeyFactory factory = TestEventKeyFactory.getTestEventFactory();
        assertThrows(IllegalArgumentException.class, () -> factory.createEventKey("bad*key"));
        final EventKey deleteKey = factory.createEventKey("bad*key", EventKeyFactory.EventAction.DELETE);
        final Event event = event("{\"bad*key\":1,\"ok\":2}");
        event.delete(deleteKey);
        assertEquals(List.of("ok"), List.copyOf(event.toMap().keySet()));
        assertThrows(IllegalArgumentException.class, () -> event.put(deleteKey, 1));
    }

    @Test
    void tagsAndAttributesLiveInMetadata() {
        final Event event = JacksonEvent.builder().withEventType("event")
                .withEventMetadataAttributes(Map.of("k", "v")).withData(Map.of()).build();
        event.getMetadata().addTags(List.of("t1", "t2"));
        assertTrue(event.getMetadata().hasTags(List.of("t1")));
        assertEquals("v", event.getMetadata().getAttribute("k"));
    }
}
