package dev.mlbatch.runtime.plugin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Data Prepper writes them: ISO-8601 ({@code PT6M}) or simple {@code 60s} / {@code 1500ms}. */
final class DataPrepperDurationDeserializer extends StdScalarDeserializer<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("^(0|[1-9]\\d*)(s|ms)$");

    DataPrepperDurationDeserializer() {
        super(Duration.class);
    }

    @Override
    public Duration deserialize(final JsonParser parser, final DeserializationContext context) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            return (Duration) context.handleUnexpectedToken(Duration.class, parser);
        }
        return parse(parser.getText().trim(), context);
    }

    private Duration parse(final String text, final DeserializationContext context) throws IOException {
        final Matcher simple = SIMPLE.matcher(text);
        if (simple.matches()) {
            final long amount = Long.parseLong(simple.group(1));
            return simple.group(2).equals("s") ? Duration.ofSeconds(amount) : Duration.ofMillis(amount);
        }
        try {
            return Duration.parse(text);
        } catch (final DateTimeParseException e) {
            return (Duration) context.handleWeirdStringValue(Duration.class, text,
                    "durations are written as ISO-8601 (e.g. PT6M) or as seconds/milliseconds (e.g. 60s, 1500ms)");
        }
    }
}
