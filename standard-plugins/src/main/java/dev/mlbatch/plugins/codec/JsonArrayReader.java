package dev.mlbatch.plugins.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * Streams the elements of one JSON array: each object element is parsed on its own (the array itself is never
 * held in memory); any other element is reported as malformed and skipped. Syntax errors are thrown to the caller
 * as Jackson exceptions, because a streaming parser cannot resynchronise inside an array.
 */
final class JsonArrayReader {
    private final ObjectMapper mapper;
    private final boolean includeEmptyObjects;

    JsonArrayReader(final ObjectMapper mapper, final boolean includeEmptyObjects) {
        this.mapper = mapper;
        this.includeEmptyObjects = includeEmptyObjects;
    }

    /** {@code parser} must be on the array's START_ARRAY; on return it is on the matching END_ARRAY. */
    void read(final JsonParser parser, final JsonLinesReader.LinesConsumer objects, final MalformedRecordHandler malformed)
            throws IOException {
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == JsonToken.START_OBJECT) {
                final long firstLine = parser.currentTokenLocation().getLineNr();
                final ObjectNode object = mapper.readTree(parser);
                if (includeEmptyObjects || !object.isEmpty()) {
                    objects.accept(object, firstLine, parser.currentLocation().getLineNr());
                }
            } else {
                final JsonLocation at = parser.currentTokenLocation();
                parser.skipChildren();
                malformed.onMalformedRecord(new MalformedRecord(at.getLineNr(), at.getColumnNr(),
                        "array element is not a JSON object but " + JsonTokens.describe(token)));
            }
        }
    }
}
