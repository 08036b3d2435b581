package dev.mlbatch.plugins.file;

import dev.mlbatch.plugins.codec.NdjsonInputCodec;
import dev.mlbatch.plugins.codec.NdjsonInputCodecConfig;
import dev.mlbatch.plugins.testing.ConfigBinding;
import dev.mlbatch.plugins.testing.TestMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSet;
import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSetManager;
import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.plugin.PluginFactory;
import org.mockito.ArgumentCaptor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class FileSourceTest {
    @TempDir
    Path dir;

    private final TestMetrics metrics = TestMetrics.forPlugin("file");
    private final PluginFactory pluginFactory = mock(PluginFactory.class);
    private final AcknowledgementSetManager acknowledgements = mock(AcknowledgementSetManager.class);

    private Path file(final String content) throws IOException {
        final Path path = dir.resolve("input-" + System.nanoTime() + ".txt");
        Files.writeString(path, content, StandardCharsets.UTF_8);
        return path;
    }

    private FileSource source(final Map<String, Object> settings) {
        final Map<String, Object> withType = new HashMap<>(settings);
        withType.putIfAbsent("record_type", "event");
        return new FileSource(ConfigBinding.bindValid(withType, FileSourceConfig.class), metrics.pluginMetrics(),
                pluginFactory, acknowledgements);
    }

    private static void awaitFinished(final FileSource source) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!source.isFinished()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("file source did not finish");
            }
            Thread.sleep(5);
        }
    }

    private static List<String> json(final RecordingBuffer buffer) {
        return buffer.records.stream().map(r -> r.getData().toJsonString()).collect(Collectors.toList());
    }

    @Test
    void binds_every_option_by_its_yaml_name() {
        final FileSourceConfig config = ConfigBinding.bindValid(Map.of("path", "/tmp/x", "format", "json", "record_type", "event",
                "acknowledgments", true), FileSourceConfig.class);
        assertEquals("/tmp/x", config.getPath());
        assertEquals(FileFormat.JSON, config.getFormat());
        assertTrue(config.isAcknowledgments());
        final FileSourceConfig withCodec = ConfigBinding.bindValid(Map.of("path", "/tmp/x", "record_type", "event",
                "codec", Map.of("ndjson", Map.of("include_empty_objects", true))), FileSourceConfig.class);
        assertEquals("ndjson", withCodec.getCodec().getPluginName());
        assertEquals(Map.of("include_empty_objects", true), withCodec.getCodec().getPluginSettings());
        assertEquals(FileFormat.PLAIN, withCodec.getFormat());
        assertFalse(withCodec.isAcknowledgments());
    }

    @Test
    void validation_explains_each_problem() {
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of("record_type", "event"), FileSourceConfig.class))
                .contains("path is required: the file to read"));
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of("path", "/x"), FileSourceConfig.class)).isEmpty(),
                "record_type defaults to event");
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of("path", "/x", "record_type", "string"), FileSourceConfig.class))
                .stream().anyMatch(m -> m.startsWith("record_type must be event")));
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of("path", "/x", "record_type", "event", "format", "json",
                "codec", Map.of("ndjson", Map.of())), FileSourceConfig.class)).contains("set either format or codec, not both: a codec decides how the file is parsed"));
        final IllegalArgumentException badFormat = assertThrows(IllegalArgumentException.class,
                () -> ConfigBinding.bind(Map.of("path", "/x", "format", "xml"), FileSourceConfig.class));
        assertTrue(badFormat.getMessage().contains("format must be plain or json, not 'xml'"), badFormat.getMessage());
    }

    @Test
    void a_missing_file_fails_construction() {
        final InvalidPluginConfigurationException e = assertThrows(InvalidPluginConfigurationException.class,
                () -> source(Map.of("path", dir.resolve("absent.json").toString())));
        assertTrue(e.getMessage().startsWith("path: "), e.getMessage());
    }

    @Test
    void json_format_reads_every_line_and_then_reports_finished() throws Exception {
        final Path path = file("{\"a\":1}\n{\"a\":2,\"b\":{\"c\":[1]}}\n\n{}\n");
        final FileSource source = source(Map.of("path", path.toString(), "format", "json"));
        final RecordingBuffer buffer = new RecordingBuffer();
        assertFalse(source.isFinished());
        source.start(buffer);
        awaitFinished(source);
        assertEquals(List.of("{\"a\":1}", "{\"a\":2,\"b\":{\"c\":[1]}}", "{}"), json(buffer));
        assertEquals("event", buffer.records.get(0).getData().getMetadata().getEventType());
        assertEquals(3, metrics.counter(FileSource.EVENTS_WRITTEN));
        assertFalse(source.areAcknowledgementsEnabled());
    }

    @Test
    void malformed_json_lines_are_counted_and_skipped() throws Exception {
        final Path path = file("{\"a\":1}\n{oops}\n{\"a\":3}\n[1]\n");
        final FileSource source = source(Map.of("path", path.toString(), "format", "json"));
        final RecordingBuffer buffer = new RecordingBuffer();
        source.start(buffer);
        awaitFinished(source);
        assertEquals(List.of("{\"a\":1}", "{\"a\":3}"), json(buffer));
        assertEquals(2, metrics.counter(FileSource.MALFORMED_RECORDS));
    }

    @Test
    void plain_format_puts_each_line_under_message() throws Exception {
        final Path path = file("one\n\n{\"not\":\"parsed\"}\n");
        final FileSource source = source(Map.of("path", path.toString()));
        final RecordingBuffer buffer = new RecordingBuffer();
        source.start(buffer);
        awaitFinished(source);
        assertEquals(List.of("{\"message\":\"one\"}", "{\"message\":\"\"}", "{\"message\":\"{\\\"not\\\":\\\"parsed\\\"}\"}"), json(buffer));
    }

    @Test
    void a_codec_parses_the_file_and_its_malformed_records_are_counted() throws Exception {
        when(pluginFactory.loadPlugin(eq(InputCodec.class), any(PluginSetting.class)))
                .thenReturn(new NdjsonInputCodec(ConfigBinding.bindValid(Map.of(), NdjsonInputCodecConfig.class)));
        final Path path = file("[{\"a\":1}, 5, {\"a\":2}]");
        final FileSource source = source(Map.of("path", path.toString(), "codec", Map.of("ndjson", Map.of())));
        final ArgumentCaptor<PluginSetting> setting = ArgumentCaptor.forClass(PluginSetting.class);
        verify(pluginFactory).loadPlugin(eq(InputCodec.class), setting.capture());
        assertEquals("ndjson", setting.getValue().getName());
        final RecordingBuffer buffer = new RecordingBuffer();
        source.start(buffer);
        awaitFinished(source);
        assertEquals(List.of("{\"a\":1}", "{\"a\":2}"), json(buffer));
        assertEquals(1, metrics.counter(FileSource.MALFORMED_RECORDS));
    }

    @Test
    void writes_in_batches_and_retries_a_full_buffer_without_dropping() throws Exception {
        final String lines = IntStream.range(0, 2_500).mapToObj(i -> "{\"i\":" + i + "}").collect(Collectors.joining("\n"));
        final FileSource source = source(Map.of("path", file(lines).toString(), "format", "json"));
        final RecordingBuffer buffer = new RecordingBuffer(3, Integer.MAX_VALUE);
        source.start(buffer);
        awaitFinished(source);
        assertEquals(2_500, buffer.records.size());
        for (int i = 0; i < 2_500; i++) {
            assertEquals(i, buffer.records.get(i).getData().get("i", Integer.class));
        }
        assertEquals(List.of(1_000, 1_000, 500), buffer.batchSizes);
        assertEquals(3, metrics.counter(FileSource.WRITE_TIMEOUTS));
    }

    @Test
    void a_buffer_smaller_than_a_batch_gets_smaller_batches() throws Exception {
        final String lines = IntStream.range(0, 1_234).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
        final FileSource source = source(Map.of("path", file(lines).toString()));
        final RecordingBuffer buffer = new RecordingBuffer(0, 300);
        source.start(buffer);
        awaitFinished(source);
        assertEquals(1_234, buffer.records.size());
        assertEquals("line 1233", buffer.records.get(1_233).getData().get("message", String.class));
        assertTrue(buffer.batchSizes.stream().allMatch(size -> size <= 300), buffer.batchSizes.toString());
    }

    @Test
    void stop_ends_a_source_waiting_on_a_full_buffer() throws Exception {
        final FileSource source = source(Map.of("path", file("a\nb\n").toString()));
        final RecordingBuffer buffer = new RecordingBuffer();
        buffer.alwaysFull();
        source.start(buffer);
        Thread.sleep(50);
        assertFalse(source.isFinished());
        source.stop();
        assertTrue(source.isFinished());
        assertTrue(buffer.records.isEmpty());
    }

    @Test
    void with_acknowledgments_every_event_joins_one_set_that_is_completed_at_the_end() throws Exception {
        final AcknowledgementSet set = mock(AcknowledgementSet.class);
        @SuppressWarnings("unchecked") final ArgumentCaptor<Consumer<Boolean>> callback = ArgumentCaptor.forClass(Consumer.class);
        when(acknowledgements.create(callback.capture(), any(Duration.class))).thenReturn(set);
        final FileSource source = source(Map.of("path", file("{\"a\":1}\n{\"a\":2}\n").toString(), "format", "json",
                "acknowledgments", true));
        assertTrue(source.areAcknowledgementsEnabled());
        final RecordingBuffer buffer = new RecordingBuffer();
        source.start(buffer);
        awaitFinished(source);
        verify(set, times(2)).add(any(Event.class));
        verify(set).complete();
        callback.getValue().accept(true);
        callback.getValue().accept(false);
    }

    @Test
    void without_acknowledgments_no_set_is_created() throws Exception {
        final FileSource source = source(Map.of("path", file("x\n").toString()));
        source.start(new RecordingBuffer());
        awaitFinished(source);
        verify(acknowledgements, times(0)).create(any(), any());
    }
}
