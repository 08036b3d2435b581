package dev.mlbatch.plugins.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.testing.ConfigBinding;
import dev.mlbatch.plugins.testing.ReleaseRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileSinkTest {
    @TempDir
    Path dir;

    private final ReleaseRecorder releases = new ReleaseRecorder();

    private static FileSink sink(final Map<String, Object> settings) {
        final PluginSetting pluginSetting = new PluginSetting("file", settings);
        pluginSetting.setPipelineName("file-sink-test");
        final FileSink sink = new FileSink(pluginSetting, ConfigBinding.bindValid(settings, FileSinkConfig.class));
        sink.initialize();
        return sink;
    }

    @Test
    void binds_path_and_append() {
        final FileSinkConfig config = ConfigBinding.bindValid(Map.of("path", "/tmp/out.json", "append", true), FileSinkConfig.class);
        assertEquals("/tmp/out.json", config.getPath());
        assertTrue(config.getAppend());
        assertFalse(ConfigBinding.bindValid(Map.of("path", "/x"), FileSinkConfig.class).getAppend());
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of(), FileSinkConfig.class)).contains("path is required: the file to write"));
    }

    @Test
    void writes_one_json_line_per_event_and_releases_positively_after_writing() throws IOException {
        final Path out = dir.resolve("nested/dir/out.jsonl");
        final FileSink sink = sink(Map.of("path", out.toString()));
        assertTrue(sink.isReady());
        final Record<Event> first = releases.record("{\"a\":1}");
        final Record<Event> second = releases.record("{\"b\":[1,2],\"c\":\"x\\ny\"}");
        sink.output(List.of(first, second));
        assertEquals(List.of("{\"a\":1}", "{\"b\":[1,2],\"c\":\"x\\ny\"}"), Files.readAllLines(out));
        assertEquals(List.of(true), releases.releasesOf(first));
        assertEquals(List.of(true), releases.releasesOf(second));
        sink.shutdown();
    }

    @Test
    void truncates_by_default_and_appends_when_told_to() throws IOException {
        final Path out = dir.resolve("out.jsonl");
        Files.writeString(out, "{\"old\":true}\n");
        final FileSink truncating = sink(Map.of("path", out.toString()));
        truncating.output(List.of(releases.record("{\"n\":1}")));
        truncating.shutdown();
        assertEquals(List.of("{\"n\":1}"), Files.readAllLines(out));
        final FileSink appending = sink(Map.of("path", out.toString(), "append", true));
        appending.output(List.of(releases.record("{\"n\":2}")));
        appending.shutdown();
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), Files.readAllLines(out));
    }

    @Test
    void concurrent_workers_never_interleave_lines() throws Exception {
        final Path out = dir.resolve("concurrent.jsonl");
        final FileSink sink = sink(Map.of("path", out.toString()));
        final ExecutorService workers = Executors.newFixedThreadPool(4);
        final List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            final int worker = w;
            done.add(workers.submit(() -> {
                for (int batch = 0; batch < 50; batch++) {
                    final List<Record<Event>> records = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        records.add(releases.record("{\"w\":" + worker + ",\"i\":" + (batch * 100 + i) + ",\"pad\":\"" + "x".repeat(200) + "\"}"));
                    }
                    sink.output(records);
                }
            }));
        }
        for (final Future<?> f : done) {
            f.get();
        }
        workers.shutdown();
        sink.shutdown();
        final List<String> lines = Files.readAllLines(out);
        assertEquals(4 * 50 * 100, lines.size());
        final ObjectMapper mapper = new ObjectMapper();
        final Set<String> seen = new HashSet<>();
        for (final String line : lines) {
            final var node = mapper.readTree(line);
            seen.add(node.get("w").asInt() + ":" + node.get("i").asInt());
        }
        assertEquals(20_000, seen.size());
    }

    @Test
    void events_after_shutdown_are_released_negatively() {
        final FileSink sink = sink(Map.of("path", dir.resolve("closed.jsonl").toString()));
        sink.shutdown();
        assertFalse(sink.isReady());
        final Record<Event> record = releases.record("{\"a\":1}");
        sink.output(List.of(record));
        assertEquals(List.of(false), releases.releasesOf(record));
    }

    @Test
    void a_path_that_cannot_be_opened_leaves_the_sink_not_ready_and_releases_negatively() throws IOException {
        final Path directory = Files.createDirectory(dir.resolve("a-directory"));
        final FileSink sink = sink(Map.of("path", directory.toString()));
        assertFalse(sink.isReady());
        final Record<Event> record = releases.record("{\"a\":1}");
        sink.output(List.of(record));
        assertEquals(List.of(false), releases.releasesOf(record));
        sink.shutdown();
    }
}
