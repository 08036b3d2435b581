package dev.mlbatch.runtime.plugin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import org.opensearch.dataprepper.model.types.ByteCount;

import java.io.IOException;

/** Sizes such as {@code 50mb}. */
final class ByteCountDeserializer extends StdScalarDeserializer<ByteCount> {
    ByteCountDeserializer() {
        super(ByteCount.class);
    }

    @Override
    public ByteCount deserialize(final JsonParser parser, final DeserializationContext context) throws IOException {
        final String text = parser.getValueAsString();
        if (text == null) {
            return (ByteCount) context.handleUnexpectedToken(ByteCount.class, parser);
        }
        try {
            return ByteCount.parse(text);
        } catch (final IllegalArgumentException e) {
            return (ByteCount) context.handleWeirdStringValue(ByteCount.class, text, e.getMessage());
        }
    }
}
