package dev.mlbatch.plugins.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads ND-JSON: one object per line, several concatenated objects, or a JSON array of objects. Input whose
 * first non-blank character is {@code [} is streamed as a sequence of arrays/objects; anything else is read line
 * by line, which lets a malformed line be reported and skipped without losing the lines after it.
 */
@DataPrepperPlugin(name = "ndjson", pluginType = InputCodec.class, pluginConfigurationType = NdjsonInputCodecConfig.class)
public class NdjsonInputCodec implements ReportingInputCodec {
    private static final ObjectMapper MAPPER = JsonMappers.leavingStreamOpen();
    private static final int STREAM_BUFFER_BYTES = 1 << 16;

    private final boolean includeEmptyObjects;

    @DataPrepperPluginConstructor
    public NdjsonInputCodec(final NdjsonInputCodecConfig config) {
        this.includeEmptyObjects = Objects.requireNonNull(config, "config").isIncludeEmptyObjects();
    }

    @Override
    public void parse(final InputStream inputStream, final Consumer<Record<Event>> eventConsumer,
                      final MalformedRecordHandler malformedRecordHandler) throws IOException {
        Objects.requireNonNull(inputStream, "inputStream");
        Objects.requireNonNull(eventConsumer, "eventConsumer");
        Objects.requireNonNull(malformedRecordHandler, "malformedRecordHandler");
        final BufferedInputStream buffered = new BufferedInputStream(inputStream, STREAM_BUFFER_BYTES);
        final boolean arrays = LeadingCharacter.of(buffered, STREAM_BUFFER_BYTES) == '[';
        // Decoded by us rather than by Jackson or InputStreamReader, so that invalid UTF-8 is noticed and its records tagged.
        final Utf8CheckingReader decoded = new Utf8CheckingReader(buffered);
        final JsonLinesReader.LinesConsumer toEvents = (object, firstLine, lastLine) -> {
            final Record<Event> record = LogRecords.of(object);
            decoded.markIfInvalid(record.getData(), firstLine, lastLine);
            eventConsumer.accept(record);
        };
        if (arrays) {
            parseAsStream(decoded, toEvents, malformedRecordHandler);
        } else {
            final BufferedReader reader = new BufferedReader(decoded, STREAM_BUFFER_BYTES);
            new JsonLinesReader(MAPPER, includeEmptyObjects).read(reader, 1, toEvents, malformedRecordHandler);
        }
    }

    private void parseAsStream(final Reader input, final JsonLinesReader.LinesConsumer objects,
                               final MalformedRecordHandler malformed) throws IOException {
        final JsonArrayReader arrays = new JsonArrayReader(MAPPER, includeEmptyObjects);
        try (JsonParser parser = MAPPER.createParser(input)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.START_ARRAY) {
                    arrays.read(parser, objects, malformed);
                } else if (token == JsonToken.START_OBJECT) {
                    final long firstLine = parser.currentTokenLocation().getLineNr();
                    final ObjectNode object = MAPPER.readTree(parser);
                    if (includeEmptyObjects || !object.isEmpty()) {
                        objects.accept(object, firstLine, parser.currentLocation().getLineNr());
                    }
                } else {
                    final JsonLocation at = parser.currentTokenLocation();
                    parser.skipChildren();
                    malformed.onMalformedRecord(new MalformedRecord(at.getLineNr(), at.getColumnNr(),
                            "expected a JSON object or array but found " + JsonTokens.describe(token)));
                }
            }
        } catch (final JsonProcessingException syntaxError) {
            final MalformedRecord fatal = MalformedRecord.fromParseError(syntaxError, 1);
            malformed.onMalformedRecord(fatal);
            throw new MalformedRecordsException(List.of(fatal), 1, false);
        }
    }
}
