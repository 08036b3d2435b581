package dev.mlbatch.plugins.stdout;

import dev.mlbatch.plugins.testing.ReleaseRecorder;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StdoutSinkTest {
    private final ReleaseRecorder releases = new ReleaseRecorder();

    private static PluginSetting setting() {
        final PluginSetting setting = new PluginSetting("stdout", Map.of());
        setting.setPipelineName("stdout-test");
        return setting;
    }

    @Test
    void prints_one_json_line_per_event_and_releases_positively() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final StdoutSink sink = new StdoutSink(setting(), new PrintStream(bytes, false, StandardCharsets.UTF_8));
        sink.initialize();
        assertTrue(sink.isReady());
        final Record<Event> a = releases.record("{\"a\":1}");
        final Record<Event> b = releases.record("{\"b\":\"é\"}");
        sink.output(List.of(a, b));
        assertEquals("{\"a\":1}\n{\"b\":\"é\"}\n", bytes.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(true), releases.releasesOf(a));
        assertEquals(List.of(true), releases.releasesOf(b));
    }

    @Test
    void a_broken_output_releases_negatively() {
        final OutputStream broken = new OutputStream() {
            @Override
            public void write(final int b) throws IOException {
                throw new IOException("pipe closed");
            }
        };
        final StdoutSink sink = new StdoutSink(setting(), new PrintStream(broken, false, StandardCharsets.UTF_8));
        final Record<Event> a = releases.record("{\"a\":1}");
        sink.output(List.of(a));
        assertEquals(List.of(false), releases.releasesOf(a));
    }
}
