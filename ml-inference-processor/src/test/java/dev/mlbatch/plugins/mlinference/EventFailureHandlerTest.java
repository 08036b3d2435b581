package dev.mlbatch.plugins.mlinference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.mlinference.batch.InputObject;
import dev.mlbatch.plugins.mlinference.dlq.DeadLetterWriter;
import dev.mlbatch.plugins.mlinference.dlq.S3DlqOptions;
import dev.mlbatch.plugins.common.testing.LocalS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSet;
import org.opensearch.dataprepper.model.acknowledgements.ProgressCheck;
import org.opensearch.dataprepper.model.event.DefaultEventHandle;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventHandle;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.record.Record;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventFailureHandlerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static LocalS3 s3;

    @BeforeAll
    static void start() throws Exception {
        s3 = new LocalS3();
        s3.createBucket("dlq");
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    /** Records releases like the runtime's set does. */
    private static final class RecordingSet implements AcknowledgementSet {
        final List<Boolean> releases = new ArrayList<>();

        @Override public void add(final EventHandle eventHandle) { }
        @Override public void acquire(final EventHandle eventHandle) { }
        @Override public boolean release(final EventHandle eventHandle, final boolean result) { releases.add(result); return true; }
        @Override public void complete() { }
        @Override public void addProgressCheck(final Consumer<ProgressCheck> callback, final Duration interval) { }
        @Override public void increaseExpiry(final Duration expiryIncrease) { }
        @Override public Instant getExpirationTime() { return Instant.MAX; }
        @Override public void cancel() { }
    }

    private static EventFailureHandler handler(final String bucket) {
        final MLProcessorMetrics metrics = new MLProcessorMetrics(PluginMetrics.fromNames("ml_inference", "t-" + UUID.randomUUID()));
        final DeadLetterWriter writer = new DeadLetterWriter(s3.client(), S3DlqOptions.fromSettings(Map.of("bucket", bucket,
                "key_path_prefix", "failed/")), "p", MAPPER, Clock.systemUTC());
        return new EventFailureHandler(List.of("ml_failed"), writer, metrics);
    }

    private static Event eventIn(final RecordingSet set) {
        final DefaultEventHandle handle = new DefaultEventHandle(Instant.now());
        if (set != null) {
            handle.addAcknowledgementSet(set);
        }
        return JacksonEvent.builder().withEventType("event").withEventHandle(handle)
                .withData(Map.of("bucket", "in", "key", "k.jsonl")).build();
    }

    @Test
    void deadLetteredEventsAreTaggedAndPassedOnWithUpstreamsDlqShape() throws Exception {
        final RecordingSet set = new RecordingSet();
        final Event event = eventIn(set);
        final List<Record<Event>> out = handler("dlq").handle(List.of(
                EventFailureHandler.Failure.of(event, new InputObject("in", "k.jsonl", ""), 404, "input object s3://in/k.jsonl does not exist")));
        assertEquals(1, out.size());
        assertTrue(event.getMetadata().getTags().contains("ml_failed"));
        assertTrue(set.releases.isEmpty(), "the sink releases it, not us");
        final List<String> keys = s3.keys("dlq", "failed/dlq-v2-p-ml_inference-");
        assertEquals(1, keys.size());
        final JsonNode object = MAPPER.readTree(s3.read("dlq", keys.get(0))).get(0);
        assertEquals("ml_inference", object.path("pluginName").asText());
        assertEquals("p", object.path("pipelineName").asText());
        assertEquals("in", object.at("/failedData/s3Bucket").asText());
        assertEquals("k.jsonl", object.at("/failedData/s3Key").asText());
        assertEquals(404, object.at("/failedData/status").asInt());
        assertEquals("k.jsonl", MAPPER.readTree(object.at("/failedData/data").asText()).path("key").asText());
    }

    @Test
    void whenTheDlqCannotBeWrittenAcknowledgedEventsAreReleasedNegativelyNotDropped() {
        final RecordingSet set = new RecordingSet();
        final Event withAcks = eventIn(set);
        final Event withoutAcks = eventIn(null);
        final List<Record<Event>> out = handler("no-such-dlq-bucket").handle(List.of(
                EventFailureHandler.Failure.of(withAcks, null, 500, "x"), EventFailureHandler.Failure.of(withoutAcks, null, 500, "x")));
        assertEquals(List.of(false), set.releases, "negative: the source delivers it again");
        assertEquals(1, out.size(), "an event no source tracks still goes on, tagged");
        assertEquals(withoutAcks, out.get(0).getData());
        assertTrue(withoutAcks.getMetadata().getTags().contains("ml_failed"));
    }

    @Test
    void dlqOptionsAreCheckedNamingTheKey() {
        final InvalidPluginConfigurationException unknown = assertThrows(InvalidPluginConfigurationException.class,
                () -> S3DlqOptions.fromSettings(Map.of("bucket", "b-1", "prefix", "x")));
        assertEquals("dlq.s3: unknown option 'prefix'", unknown.getMessage());
        final InvalidPluginConfigurationException bucket = assertThrows(InvalidPluginConfigurationException.class,
                () -> S3DlqOptions.fromSettings(Map.of("key_path_prefix", "x")));
        assertTrue(bucket.getMessage().startsWith("dlq.s3.bucket is required"), bucket.getMessage());
    }
}
