package dev.mlbatch.plugins.sink.opensearch;

import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.JsonpSerializable;
import org.opensearch.client.json.jackson.JacksonJsonpGenerator;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;

/**
 * A document that is already JSON. The sink serializes each event once (it needs the size for bulk_size and the
 * text for the DLQ), so the bulk body gets the same bytes written raw instead of a second tree walk.
 */
public final class RawJsonDocument implements JsonpSerializable {
    private final String json;

    public RawJsonDocument(final String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    @Override
    public void serialize(final JsonGenerator generator, final JsonpMapper mapper) {
        if (generator instanceof JacksonJsonpGenerator) {
            try {
                ((JacksonJsonpGenerator) generator).jacksonGenerator().writeRawValue(json);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        // Other JSON-P providers have no raw write: re-parse (slower, still correct).
        try (JsonParser parser = mapper.jsonProvider().createParser(new StringReader(json))) {
            parser.next();
            generator.write(parser.getValue());
        }
    }
}
