package dev.mlbatch.plugins.file;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes events as lines of JSON, each the bytes of {@code event.toJsonString()} plus a newline. For a plain
 * JacksonEvent the event's JSON tree is streamed straight to the writer through one generator per batch, which
 * avoids building a String and setting up a serializer for every event (what JsonNode.toString() does); other
 * Event implementations may format themselves, so they go through toJsonString(). Not thread-safe: one per batch.
 */
final class JsonLineWriter implements Closeable {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM)
            .build();

    private final Writer writer;
    private final JsonGenerator generator;
    private final SerializerProvider serializers;

    JsonLineWriter(final Writer writer) throws IOException {
        this.writer = writer;
        this.generator = MAPPER.createGenerator(writer);
        this.generator.setRootValueSeparator(null);
        this.serializers = MAPPER.getSerializerProviderInstance();
    }

    void write(final Event event) throws IOException {
        if (event.getClass() == JacksonEvent.class) {
            event.getJsonNode().serialize(generator, serializers);
            generator.writeRaw('\n');
        } else {
            generator.flush();
            writer.write(event.toJsonString());
            writer.write('\n');
        }
    }

    /** Hands everything buffered in the generator to the writer (which the caller flushes). */
    @Override
    public void close() throws IOException {
        generator.close();
    }
}
