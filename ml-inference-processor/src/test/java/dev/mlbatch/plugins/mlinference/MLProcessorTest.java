package dev.mlbatch.plugins.mlinference;

import dev.mlbatch.plugins.mlinference.config.MLProcessorConfig;
import dev.mlbatch.plugins.mlinference.support.ConfigBinder;
import dev.mlbatch.plugins.mlinference.support.Events;
import dev.mlbatch.plugins.mlinference.support.FakeMlCommons;
import dev.mlbatch.testing.aws.StaticCredentialsSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.record.Record;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class MLProcessorTest {
    @TempDir
    Path state;
    private FakeMlCommons ml;
    private final ExpressionEvaluator evaluator = mock(ExpressionEvaluator.class);
    private final List<MLProcessor> started = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        ml = new FakeMlCommons("model-1").jobDuration(Duration.ofMillis(200));
        when(evaluator.isValidExpressionStatement(anyString())).thenAnswer(i -> !i.getArgument(0, String.class).contains("=="
                + "="));
        // ml_when '/bucket == "in-bucket"' stands in for the real evaluator here.
        when(evaluator.evaluateConditional(anyString(), any(Event.class)))
                .thenAnswer(i -> "in-bucket".equals(i.getArgument(1, Event.class).get("bucket", String.class)));
    }

    @AfterEach
    void stop() {
        started.forEach(MLProcessor::shutdown);
        ml.close();
    }

    private MLProcessor processor(final String extraYaml) {
        final MLProcessorConfig config = ConfigBinder.bind("host: \"" + ml.url() + "\"\nmodel_id: model-1\n"
                + "output_path: s3://out-bucket/results\naws_sigv4: false\nservice_name: bedrock\n"
                + "state_directory: \"" + state + "\"\njob_poll_interval: 100ms\ncheck_input_objects: false\n" + extraYaml);
        final PluginSetting setting = new PluginSetting("ml_inference", Map.of());
        setting.setPipelineName("p");
        final MLProcessor processor = new MLProcessor(config, PluginMetrics.fromNames("ml_inference", "p-" + UUID.randomUUID()), null, setting,
                new StaticCredentialsSupplier("AKIDEXAMPLE00000001", "secret"), evaluator);
        started.add(processor);
        return processor;
    }

    private static List<Record<Event>> records(final List<Event> events) {
        return events.stream().map(Record::new).toList();
    }

    /** Calls the processor as the runtime does (empty batches too) until {@code count} records came out. */
    private static List<Record<Event>> collect(final List<MLProcessor> processors, final int count) throws InterruptedException {
        final List<Record<Event>> out = new ArrayList<>();
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int i = 0;
        while (out.size() < count && System.nanoTime() < deadline) {
            out.addAll(processors.get(i++ % processors.size()).execute(List.of()));
            Thread.sleep(20);
        }
        return out;
    }

    @Test
    void holdsEventsAndReturnsThemOnALaterCallOnceTheJobFinished() throws Exception {
        final MLProcessor processor = processor("track_jobs: true\nml_when: '/bucket == \"in-bucket\"'\n");
        assertTrue(processor.holdsEvents());
        final Event other = Events.object("other-bucket", "x.jsonl");
        final Collection<Record<Event>> first = processor.execute(records(List.of(Events.object("in-bucket", "a.jsonl"),
                Events.object("in-bucket", "b.jsonl"), other)));
        assertEquals(1, first.size(), "only the event ml_when rejects passes straight through");
        assertEquals(other, first.iterator().next().getData());
        assertTrue(!processor.isReadyForShutdown(), "it holds two events");
        final List<Record<Event>> later = collect(List.of(processor), 4);
        assertEquals(2, later.stream().filter(r -> r.getData().getMetadata().getEventType().equals("ml_batch_job")).count());
        final List<Event> inputs = later.stream().map(Record::getData).filter(e -> e.containsKey("bucket")).toList();
        assertEquals(2, inputs.size());
        assertTrue(inputs.stream().allMatch(e -> "COMPLETED".equals(e.get("job_state", String.class)) && e.get("task_id", String.class) != null));
        assertEquals(2, ml.jobsCreated().size());
        assertTrue(processor.isReadyForShutdown());
    }

    @Test
    void workersOfOneProcessorShareOneLedgerAndSlots() throws Exception {
        final MLProcessor worker1 = processor("track_jobs: true\n");
        final MLProcessor worker2 = processor("track_jobs: true\n");
        worker1.execute(records(List.of(Events.object("in-bucket", "shared.jsonl"))));
        worker2.execute(records(List.of(Events.object("in-bucket", "shared.jsonl")))); // same object via the other worker
        final List<Record<Event>> out = collect(List.of(worker1, worker2), 3);
        assertEquals(3, out.size(), "two input events and one job event");
        assertEquals(1, ml.jobsCreated().size());
    }

    @Test
    void invalidMlWhenIsRefusedAtStartNamingTheKey() {
        final InvalidPluginConfigurationException e = assertThrows(InvalidPluginConfigurationException.class,
                () -> processor("ml_when: '/bucket === \"x\"'\n"));
        assertTrue(e.getMessage().startsWith("ml_when is not a valid expression"), e.getMessage());
    }

    @Test
    void predictModeWritesEmbeddingsAndFailsOnlyTheAffectedEvents() {
        final MLProcessor processor = processor("action_type: predict\ninput_key: /text\noutput_key: /embedding\nmax_batch_size: 2\n"
                + "tags_on_failure: [embed_failed]\n");
        final List<Event> events = new ArrayList<>();
        for (final String text : List.of("hello", "world", "poison pill", "fine", "also fine")) {
            events.add(JacksonEvent.builder().withEventType("event").withData(Map.of("text", text, "bucket", "in-bucket")).build());
        }
        events.add(JacksonEvent.builder().withEventType("event").withData(Map.of("bucket", "in-bucket")).build());
        final Collection<Record<Event>> out = processor.execute(records(events));
        assertEquals(6, out.size(), "predict mode returns every event in the same call");
        // batches: [hello, world] ok, [poison pill, fine] fails together, [also fine] ok; the event without text fails alone
        assertEquals(List.of(5.0, 0.5), events.get(0).getList("/embedding", Double.class));
        assertEquals(List.of(9.0, 0.5), events.get(4).getList("/embedding", Double.class));
        for (final int failed : new int[]{2, 3, 5}) {
            assertTrue(events.get(failed).getMetadata().getTags().contains("embed_failed"), "event " + failed);
            assertTrue(!events.get(failed).containsKey("/embedding"));
        }
        assertEquals(3, ml.received("_predict").size());
        assertEquals("{\"parameters\":{\"input\":[\"hello\",\"world\"]}}", ml.received("_predict").get(0).body());
    }
}
