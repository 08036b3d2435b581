package dev.mlbatch.plugins.file;

import io.micrometer.core.instrument.Counter;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.sink.AbstractSink;
import org.opensearch.dataprepper.model.sink.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Writes each event as one JSON line. Each output call is written and flushed under one lock (several workers may
 * call at once, and their lines never interleave); an event's handle is released positively only once its bytes
 * are flushed, negatively when the write failed.
 */
@DataPrepperPlugin(name = "file", pluginType = Sink.class, pluginConfigurationType = FileSinkConfig.class)
public class FileSink extends AbstractSink<Record<Event>> {
    static final String WRITE_FAILURES = "writeFailures";
    private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);
    private static final int WRITE_BUFFER_CHARS = 1 << 16;

    private final Path path;
    private final boolean append;
    private final Counter writeFailures;
    private final Object lock = new Object();
    private Writer writer;
    private volatile boolean ready;
    private boolean closed;

    @DataPrepperPluginConstructor
    public FileSink(final PluginSetting pluginSetting, final FileSinkConfig config) {
        super(pluginSetting);
        this.path = Path.of(config.getPath());
        this.append = config.getAppend();
        this.writeFailures = pluginMetrics.counter(WRITE_FAILURES);
    }

    @Override
    public void doInitialize() {
        synchronized (lock) {
            if (writer != null) {
                return;
            }
            try {
                if (path.getParent() != null) {
                    Files.createDirectories(path.getParent());
                }
                final OpenOption[] options = append
                        ? new OpenOption[]{StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND}
                        : new OpenOption[]{StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING};
                writer = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(path, options), StandardCharsets.UTF_8),
                        WRITE_BUFFER_CHARS);
                ready = true;
            } catch (final IOException e) {
                LOG.error("Cannot open {} for writing: {}", path, e.getMessage());
            }
        }
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public void doOutput(final Collection<Record<Event>> records) {
        if (records.isEmpty()) {
            return;
        }
        final List<Event> written = new ArrayList<>(records.size());
        final List<Event> failed = new ArrayList<>();
        synchronized (lock) {
            if (writer == null || closed) {
                LOG.error("Cannot write {} events to {}: the sink is {}", records.size(), path, closed ? "shut down" : "not initialized");
                records.forEach(record -> failed.add(record.getData()));
            } else {
                try {
                    try (JsonLineWriter lines = new JsonLineWriter(writer)) {
                        for (final Record<Event> record : records) {
                            lines.write(record.getData());
                            written.add(record.getData());
                        }
                    }
                    writer.flush();
                } catch (final IOException | RuntimeException e) {
                    LOG.error("Writing {} events to {} failed: {}", records.size(), path, e.getMessage());
                    // What reached the disk is unknown: release all of this call negatively (at-least-once).
                    written.clear();
                    failed.clear();
                    records.forEach(record -> failed.add(record.getData()));
                }
            }
        }
        if (!failed.isEmpty()) {
            writeFailures.increment(failed.size());
        }
        written.forEach(event -> event.getEventHandle().release(true));
        failed.forEach(event -> event.getEventHandle().release(false));
    }

    @Override
    public void shutdown() {
        super.shutdown();
        synchronized (lock) {
            if (writer != null && !closed) {
                try {
                    writer.close();
                } catch (final IOException e) {
                    LOG.error("Closing {} failed: {}", path, e.getMessage());
                }
            }
            closed = true;
            ready = false;
        }
    }
}
