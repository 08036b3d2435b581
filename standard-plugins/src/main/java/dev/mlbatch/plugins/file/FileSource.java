package dev.mlbatch.plugins.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mlbatch.plugins.codec.JsonLinesReader;
import dev.mlbatch.plugins.codec.MalformedRecord;
import dev.mlbatch.plugins.codec.MalformedRecordsException;
import dev.mlbatch.plugins.codec.ReportingInputCodec;
import io.micrometer.core.instrument.Counter;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSet;
import org.opensearch.dataprepper.model.acknowledgements.AcknowledgementSetManager;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.buffer.Buffer;
import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.configuration.PluginModel;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.plugin.PluginFactory;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Reads one file once, from a thread of its own, and writes its events to the buffer in batches. When done
 * (read to the end, failed, or stopped) {@link #isFinished()} turns true, which is how a runtime that exits when
 * its sources are done learns about it.
 */
@DataPrepperPlugin(name = "file", pluginType = Source.class, pluginConfigurationType = FileSourceConfig.class)
public class FileSource implements Source<Record<Event>> {
    static final String MESSAGE_KEY = "message";
    static final int BATCH_SIZE = 1_000;
    static final int WRITE_TIMEOUT_MILLIS = 5_000;
    static final Duration ACKNOWLEDGEMENT_TIMEOUT = Duration.ofHours(2);
    static final int MALFORMED_LINES_LOGGED = 100;
    static final String EVENTS_WRITTEN = "eventsWritten";
    static final String MALFORMED_RECORDS = "malformedRecords";
    static final String WRITE_TIMEOUTS = "writeTimeouts";
    private static final long STOP_WAIT_MILLIS = 5_000;
    private static final String EVENT_TYPE = "event";
    private static final ObjectMapper MAPPER = new JsonMapper();
    private static final Logger LOG = LoggerFactory.getLogger(FileSource.class);

    private final Path path;
    private final FileFormat format;
    private final InputCodec codec;
    private final boolean acknowledgments;
    private final AcknowledgementSetManager acknowledgementSetManager;
    private final Counter eventsWritten;
    private final Counter malformedRecords;
    private final Counter writeTimeouts;
    private final AtomicLong malformedInThisFile = new AtomicLong();

    private volatile boolean stopRequested;
    private volatile boolean finished;
    private volatile boolean readToEnd;
    private Thread readThread;

    @DataPrepperPluginConstructor
    public FileSource(final FileSourceConfig config, final PluginMetrics pluginMetrics, final PluginFactory pluginFactory,
                      final AcknowledgementSetManager acknowledgementSetManager) {
        this.path = Path.of(config.getPath());
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new InvalidPluginConfigurationException("path: " + path + " is not a readable file");
        }
        this.format = config.getFormat();
        this.codec = config.getCodec() == null ? null : loadCodec(config.getCodec(), pluginFactory);
        this.acknowledgments = config.isAcknowledgments();
        if (acknowledgments && acknowledgementSetManager == null) {
            throw new InvalidPluginConfigurationException("acknowledgments: true, but no acknowledgement set manager is available");
        }
        this.acknowledgementSetManager = acknowledgementSetManager;
        this.eventsWritten = pluginMetrics.counter(EVENTS_WRITTEN);
        this.malformedRecords = pluginMetrics.counter(MALFORMED_RECORDS);
        this.writeTimeouts = pluginMetrics.counter(WRITE_TIMEOUTS);
    }

    private static InputCodec loadCodec(final PluginModel codec, final PluginFactory pluginFactory) {
        final Map<String, Object> settings = codec.getPluginSettings();
        return pluginFactory.loadPlugin(InputCodec.class, new PluginSetting(codec.getPluginName(), settings));
    }

    @Override
    public void start(final Buffer<Record<Event>> buffer) {
        Objects.requireNonNull(buffer, "buffer");
        if (readThread != null) {
            throw new IllegalStateException("file source for " + path + " was already started");
        }
        LOG.info("Reading {} ({})", path, codec != null ? "codec " + codec.getClass().getSimpleName() : "format " + format.optionValue());
        readThread = new Thread(() -> read(buffer), "file-source-" + path.getFileName());
        readThread.setDaemon(false);
        readThread.start();
    }

    @Override
    public void stop() {
        stopRequested = true;
        final Thread thread = readThread;
        if (thread != null && thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join(STOP_WAIT_MILLIS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean areAcknowledgementsEnabled() {
        return acknowledgments;
    }

    /**
     * True once this source will write nothing more: the file was read to its end (every event is in the
     * buffer), reading failed, or the source was stopped. Called reflectively by our runtime; a plain method,
     * not an interface, so the plugin needs nothing beyond the Data Prepper API.
     */
    public boolean isFinished() {
        return finished;
    }

    private void read(final Buffer<Record<Event>> buffer) {
        final AcknowledgementSet acknowledgementSet = acknowledgments
                ? acknowledgementSetManager.create(this::onAcknowledged, ACKNOWLEDGEMENT_TIMEOUT) : null;
        final BufferBatchWriter writer = new BufferBatchWriter(buffer, BATCH_SIZE, WRITE_TIMEOUT_MILLIS,
                () -> stopRequested, writeTimeouts, eventsWritten);
        final Consumer<Record<Event>> toBuffer = record -> {
            if (acknowledgementSet != null) {
                acknowledgementSet.add(record.getData());
            }
            writer.add(record);
        };
        try (InputStream input = Files.newInputStream(path)) {
            if (codec != null) {
                readWithCodec(input, toBuffer);
            } else {
                readLines(input, toBuffer);
            }
            writer.flush();
            readToEnd = true;
            LOG.info("Finished reading {}: {} events written{}", path, writer.written(),
                    malformedInThisFile.get() == 0 ? "" : ", " + malformedInThisFile.get() + " malformed records skipped");
        } catch (final SourceStoppedException stopped) {
            LOG.warn("Stopped before the end of {}: {} events written; the rest of the file was not read", path, writer.written());
        } catch (final IOException e) {
            if (stopRequested) {
                LOG.warn("Stopped while reading {}: {} events written; the rest of the file was not read", path, writer.written());
            } else {
                LOG.error("Cannot read {} after {} events: {}", path, writer.written(), e.getMessage());
            }
        } catch (final RuntimeException e) {
            LOG.error("Reading {} failed after {} events", path, writer.written(), e);
        } finally {
            if (acknowledgementSet != null) {
                // Completed even after a failure, so the set resolves for the events that were written.
                acknowledgementSet.complete();
            }
            finished = true;
        }
    }

    private void readLines(final InputStream input, final Consumer<Record<Event>> toBuffer) throws IOException {
        final BufferedReader reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8), 1 << 16);
        if (format == FileFormat.JSON) {
            new JsonLinesReader(MAPPER, true).read(reader, 1,
                    object -> toBuffer.accept(new Record<>(JacksonEvent.builder().withEventType(EVENT_TYPE).withData(object).build())),
                    this::onMalformedRecord);
            return;
        }
        String line;
        while ((line = reader.readLine()) != null) {
            toBuffer.accept(new Record<>(JacksonEvent.builder().withEventType(EVENT_TYPE)
                    .withData(Map.of(MESSAGE_KEY, line)).build()));
        }
    }

    private void readWithCodec(final InputStream input, final Consumer<Record<Event>> toBuffer) throws IOException {
        if (codec instanceof ReportingInputCodec) {
            try {
                ((ReportingInputCodec) codec).parse(input, toBuffer, this::onMalformedRecord);
            } catch (final MalformedRecordsException unreadableRest) {
                LOG.error("Cannot read {} past line {}: the rest of the file is not parseable",
                        path, unreadableRest.getMalformedRecords().get(unreadableRest.getMalformedRecords().size() - 1).getLineNumber());
            }
            return;
        }
        try {
            codec.parse(input, toBuffer);
        } catch (final MalformedRecordsException e) {
            malformedRecords.increment(e.getMalformedRecordCount());
            malformedInThisFile.addAndGet(e.getMalformedRecordCount());
            LOG.warn("{}: {}", path, e.getMessage());
        }
    }

    private void onMalformedRecord(final MalformedRecord malformed) {
        malformedRecords.increment();
        final long n = malformedInThisFile.incrementAndGet();
        if (n <= MALFORMED_LINES_LOGGED) {
            LOG.warn("Skipped a malformed record in {} at {}{}", path, malformed,
                    n == MALFORMED_LINES_LOGGED ? " (further malformed records in this file are only counted)" : "");
        }
    }

    private void onAcknowledged(final Boolean success) {
        if (Boolean.TRUE.equals(success) && readToEnd) {
            LOG.info("All events of {} were acknowledged", path);
        } else if (Boolean.TRUE.equals(success)) {
            LOG.warn("The events written from {} were acknowledged, but the file was not read to its end", path);
        } else {
            LOG.warn("Events of {} were negatively acknowledged or timed out", path);
        }
    }
}
