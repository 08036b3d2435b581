package org.opensearch.dataprepper.model.event;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
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

    @Test
    void jsonBuilderWithoutOptionsWritesTheWholeEvent() {
        final Event event = event("{\"b\":1,\"a\":{\"c\":[1,2]}}");
        assertEquals(event.toJsonString(), event.jsonBuilder().toJsonString());
        assertEquals(event.toJsonString(), event.jsonBuilder().includeKeys(List.of()).excludeKeys(null).toJsonString());
    }

    @Test
    void includeKeysKeepTheEventsFieldOrderAndReachNestedFieldsByPointer() {
        final Event event = event("{\"_id\":\"d1\",\"recordId\":\"d1\",\"modelInput\":{\"inputText\":\"t\",\"dimensions\":384},\"n\":1}");
        assertEquals("{\"recordId\":\"d1\",\"modelInput\":{\"inputText\":\"t\",\"dimensions\":384}}",
                event.jsonBuilder().includeKeys(List.of("modelInput", "/recordId")).toJsonString());
        assertEquals("{\"recordId\":\"d1\",\"modelInput\":{\"inputText\":\"t\"}}",
                event.jsonBuilder().includeKeys(List.of("/recordId", "/modelInput/inputText/")).toJsonString());
        assertEquals("{\"modelInput\":{\"inputText\":\"t\",\"dimensions\":384}}",
                event.jsonBuilder().includeKeys(List.of("/modelInput/inputText", "modelInput")).toJsonString(),
                "a key naming an object keeps all of it, whatever deeper keys also name");
    }

    @Test
    void includeKeysApplyToEveryArrayElementAndKeepObjectsTheyWalkThrough() {
        final Event event = event("{\"content\":[{\"text\":\"x\",\"n\":1},{\"text\":\"y\"},{\"n\":2}],\"a\":{\"y\":1},\"s\":\"v\",\"k\":1}");
        assertEquals("{\"content\":[{\"text\":\"x\"},{\"text\":\"y\"},{}]}",
                event.jsonBuilder().includeKeys(List.of("/content/text")).toJsonString());
        assertEquals("{\"a\":{},\"s\":{}}", event.jsonBuilder().includeKeys(List.of("a/x", "s/x", "missing")).toJsonString());
    }

    @Test
    void keysMatchWholePathSegmentsNotStringPrefixes() {
        final Event event = event("{\"a\":\"x\",\"ab\":\"y\",\"m\":{\"t\":1,\"tt\":2}}");
        assertEquals("{\"ab\":\"y\",\"m\":{\"tt\":2}}", event.jsonBuilder().includeKeys(List.of("ab", "m/tt")).toJsonString());
        assertEquals("{\"a\":\"x\",\"m\":{\"t\":1}}", event.jsonBuilder().excludeKeys(List.of("ab", "m/tt")).toJsonString());
    }

    @Test
    void excludeKeysDropTopLevelNestedAndPerElementFieldsAndKeepEverythingElse() {
        final Event event = event("{\"_id\":\"d\",\"text\":\"t\",\"m\":{\"x\":1,\"y\":2},\"l\":[{\"x\":1,\"y\":2},3],\"s\":\"v\"}");
        assertEquals("{\"text\":\"t\",\"m\":{\"y\":2},\"l\":[{\"y\":2},3],\"s\":\"v\"}",
                event.jsonBuilder().excludeKeys(List.of("_id", "/m/x", "l/x", "s/x", "missing/x")).toJsonString());
    }

    @Test
    void includeKeysWinOverExcludeKeys() {
        final Event event = event("{\"a\":1,\"b\":2}");
        assertEquals("{\"a\":1}", event.jsonBuilder().excludeKeys(List.of("a")).includeKeys(List.of("a")).toJsonString());
    }

    @Test
    void tagsAreAddedAsTheLastFieldOfWhatIsWritten() {
        final Event event = event("{\"a\":1,\"b\":{\"c\":2}}");
        assertEquals("{\"a\":1,\"b\":{\"c\":2},\"tags\":[]}", event.jsonBuilder().includeTags("tags").toJsonString());
        event.getMetadata().addTags(List.of("t1", "t2"));
        assertEquals("{\"b\":{\"c\":2},\"tags\":[\"t1\",\"t2\"]}",
                event.jsonBuilder().includeKeys(List.of("b/c")).includeTags("tags").toJsonString());
        assertEquals("{\"tags\":[\"t1\",\"t2\"]}", event.jsonBuilder().includeKeys(List.of("x")).includeTags("tags").toJsonString());
        assertEquals("{\"a\":1,\"b\":{\"c\":2}}", event.jsonBuilder().includeTags(null).toJsonString());
    }

    @Test
    void rootKeyWritesOnlyThatValueAndFiltersBelowIt() {
        final Event event = event("{\"doc\":{\"a\":1,\"b\":2},\"list\":[1],\"x\":3}");
        event.getMetadata().addTags(List.of("t"));
        assertEquals("{\"a\":1,\"b\":2}", event.jsonBuilder().rootKey("/doc").toJsonString());
        assertEquals("{\"b\":2,\"tags\":[\"t\"]}", event.jsonBuilder().rootKey("doc").includeKeys(List.of("b")).includeTags("tags").toJsonString());
        assertEquals("[1]", event.jsonBuilder().rootKey("list").includeTags("tags").toJsonString(), "no field to add tags to");
        assertEquals(event.toJsonString(), event.jsonBuilder().rootKey("missing").toJsonString());
    }

    @Test
    void fieldNamesAreEscapedAndTheBuilderReportsItsOptions() {
        final Map<String, Object> data = new LinkedHashMap<>();
        data.put("q\"k", 1);
        data.put("b", 2);
        final Event event = JacksonEvent.builder().withEventType("event").withData(data).build();
        assertEquals("{\"q\\\"k\":1}", event.jsonBuilder().excludeKeys(List.of("b")).toJsonString());
        final Event.JsonStringBuilder builder = event.jsonBuilder().includeKeys(List.of("a")).excludeKeys(List.of("b"))
                .includeTags("t").rootKey("r");
        assertEquals(List.of("a"), builder.getIncludeKeys());
        assertEquals(List.of("b"), builder.getExcludeKeys());
        assertEquals("t", builder.getTagsKey());
        assertEquals("r", builder.getRootKey());
    }
}
