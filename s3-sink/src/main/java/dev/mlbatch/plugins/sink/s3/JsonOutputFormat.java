package dev.mlbatch.plugins.sink.s3;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.nio.charset.StandardCharsets;

/** {@code codec: json}: one JSON document {@code {"<key_name>": [event, ...]}}, key_name defaulting to {@code events}. */
public final class JsonOutputFormat implements OutputFormat {
    static final String DEFAULT_KEY_NAME = "events";
    private final String keyName;

    public JsonOutputFormat(final String keyName) {
        this.keyName = keyName;
    }

    @Override
    public String extension() {
        return "json";
    }

    @Override
    public String contentType() {
        return "application/json";
    }

    @Override
    public byte[] header() {
        return ("{\"" + new String(JsonStringEncoder.getInstance().quoteAsString(keyName)) + "\":[")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] encode(final String eventJson, final boolean first) {
        return ((first ? "" : ",") + eventJson).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footer() {
        return "]}".getBytes(StandardCharsets.UTF_8);
    }
}
