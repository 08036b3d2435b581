package dev.mlbatch.plugins.codec;

import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One event per line, the line under {@code message} (empty lines included, as upstream). Any text is a valid
 * line, so this codec never reports a malformed record.
 */
@DataPrepperPlugin(name = "newline", pluginType = InputCodec.class, pluginConfigurationType = NewlineDelimitedInputCodecConfig.class)
public class NewlineDelimitedInputCodec implements ReportingInputCodec {
    static final String MESSAGE_KEY = "message";

    private final int skipLines;
    private final String headerDestination;

    @DataPrepperPluginConstructor
    public NewlineDelimitedInputCodec(final NewlineDelimitedInputCodecConfig config) {
        Objects.requireNonNull(config, "config");
        if (config.getSkipLines() < 0) {
            throw new IllegalArgumentException("skip_lines must be 0 or more, was " + config.getSkipLines());
        }
        this.skipLines = config.getSkipLines();
        this.headerDestination = config.getHeaderDestination();
    }

    @Override
    public void parse(final InputStream inputStream, final Consumer<Record<Event>> eventConsumer,
                      final MalformedRecordHandler malformedRecordHandler) throws IOException {
        Objects.requireNonNull(inputStream, "inputStream");
        Objects.requireNonNull(eventConsumer, "eventConsumer");
        final Utf8CheckingReader decoded = new Utf8CheckingReader(inputStream);
        final BufferedReader reader = new BufferedReader(decoded, 1 << 16);
        long lineNumber = skipLines;
        for (int i = 0; i < skipLines; i++) {
            if (reader.readLine() == null) {
                return;
            }
        }
        String header = null;
        if (headerDestination != null) {
            header = reader.readLine();
            if (header == null) {
                return;
            }
            lineNumber++;
        }
        String line;
        while ((line = reader.readLine()) != null) {
            final Map<String, Object> data = new HashMap<>(4);
            if (header != null) {
                data.put(headerDestination, header);
            }
            data.put(MESSAGE_KEY, line);
            final Record<Event> record = LogRecords.of(data);
            lineNumber++;
            decoded.markIfInvalid(record.getData(), lineNumber, lineNumber);
            eventConsumer.accept(record);
        }
    }
}
