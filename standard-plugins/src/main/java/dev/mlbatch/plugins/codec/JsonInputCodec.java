package dev.mlbatch.plugins.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads one JSON document and emits each object of its records array(s): the document itself when it is an
 * array, otherwise every array found as a field value while walking its objects (only the one named
 * {@code key_name} when that is set). Arrays are streamed element by element, never held whole.
 *
 * <p>{@code include_keys} / {@code include_keys_metadata}: scalar fields met <em>before</em> a records array are
 * added to each of its events (as upstream: the document is streamed, so later fields are not known yet).
 */
@DataPrepperPlugin(name = "json", pluginType = InputCodec.class, pluginConfigurationType = JsonInputCodecConfig.class)
public class JsonInputCodec implements ReportingInputCodec {
    private static final ObjectMapper DEFAULT_MAPPER = JsonMappers.leavingStreamOpen();

    private final ObjectMapper mapper;
    private final String keyName;
    private final Set<String> includeKeys;
    private final Set<String> includeKeysMetadata;

    @DataPrepperPluginConstructor
    public JsonInputCodec(final JsonInputCodecConfig config) {
        Objects.requireNonNull(config, "config");
        this.mapper = config.getMaxEventLength() == null
                ? DEFAULT_MAPPER : JsonMappers.leavingStreamOpen(config.getMaxEventLength());
        this.keyName = config.getKeyName();
        this.includeKeys = config.getIncludeKeys() == null ? Set.of() : Set.copyOf(config.getIncludeKeys());
        this.includeKeysMetadata = config.getIncludeKeysMetadata() == null ? Set.of() : Set.copyOf(config.getIncludeKeysMetadata());
    }

    @Override
    public void parse(final InputStream inputStream, final Consumer<Record<Event>> eventConsumer,
                      final MalformedRecordHandler malformedRecordHandler) throws IOException {
        Objects.requireNonNull(inputStream, "inputStream");
        Objects.requireNonNull(eventConsumer, "eventConsumer");
        Objects.requireNonNull(malformedRecordHandler, "malformedRecordHandler");
        // Decoded by us rather than by Jackson, so that invalid UTF-8 is replaced and its records tagged, not fatal.
        final Utf8CheckingReader decoded = new Utf8CheckingReader(inputStream);
        try (JsonParser parser = mapper.createParser(decoded)) {
            final Document document = new Document(parser, decoded, eventConsumer, malformedRecordHandler);
            final JsonToken first = parser.nextToken();
            if (first == JsonToken.START_ARRAY) {
                if (keyName == null) {
                    document.readRecords();
                } else {
                    parser.skipChildren();
                }
            } else if (first == JsonToken.START_OBJECT) {
                document.walkObject();
            } else if (first != null) {
                final JsonLocation at = parser.currentTokenLocation();
                final MalformedRecord fatal = new MalformedRecord(at.getLineNr(), at.getColumnNr(),
                        "expected a JSON object or array at the top of the document but found " + JsonTokens.describe(first));
                malformedRecordHandler.onMalformedRecord(fatal);
                throw new MalformedRecordsException(List.of(fatal), 1, false);
            }
        } catch (final JsonProcessingException syntaxError) {
            final MalformedRecord fatal = MalformedRecord.fromParseError(syntaxError, 1);
            malformedRecordHandler.onMalformedRecord(fatal);
            throw new MalformedRecordsException(List.of(fatal), 1, false);
        }
    }

    /** The state of reading one document. */
    private final class Document {
        private final JsonParser parser;
        private final Utf8CheckingReader decoded;
        private final Consumer<Record<Event>> eventConsumer;
        private final MalformedRecordHandler malformed;
        private final JsonArrayReader arrays = new JsonArrayReader(mapper, true);
        private final Map<String, Object> includedKeys = new LinkedHashMap<>();
        private final Map<String, Object> includedMetadata = new LinkedHashMap<>();

        Document(final JsonParser parser, final Utf8CheckingReader decoded, final Consumer<Record<Event>> eventConsumer,
                 final MalformedRecordHandler malformed) {
            this.parser = parser;
            this.decoded = decoded;
            this.eventConsumer = eventConsumer;
            this.malformed = malformed;
        }

        /** On START_OBJECT; returns on its END_OBJECT. */
        void walkObject() throws IOException {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                final String name = parser.currentName();
                final JsonToken value = parser.nextToken();
                final boolean toKeys = includeKeys.contains(name);
                final boolean toMetadata = includeKeysMetadata.contains(name);
                if (toKeys || toMetadata) {
                    final Object included = value.isScalarValue() ? parser.getValueAsString() : mapper.readValue(parser, Object.class);
                    if (toKeys) {
                        includedKeys.put(name, included);
                    }
                    if (toMetadata) {
                        includedMetadata.put(name, included);
                    }
                } else if (value == JsonToken.START_ARRAY) {
                    if (keyName == null || keyName.equals(name)) {
                        readRecords();
                    } else {
                        parser.skipChildren();
                    }
                } else if (value == JsonToken.START_OBJECT) {
                    walkObject();
                }
            }
        }

        /** On START_ARRAY; returns on its END_ARRAY. */
        void readRecords() throws IOException {
            arrays.read(parser, (object, firstLine, lastLine) -> {
                final Record<Event> record = LogRecords.of(object);
                decoded.markIfInvalid(record.getData(), firstLine, lastLine);
                includedKeys.forEach(record.getData()::put);
                includedMetadata.forEach(record.getData().getMetadata()::setAttribute);
                eventConsumer.accept(record);
            }, malformed);
        }
    }
}
