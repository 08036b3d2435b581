package dev.mlbatch.plugins.mlinference.batch;

import com.fasterxml.jackson.databind.JsonNode;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventKey;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads the S3 object an event names: top-level {@code bucket}, and {@code key} (or {@code input_key}),
 * as the s3 source emits them in metadata_only mode, plus what pins the object's version
 * ({@code etag}, or {@code time} and {@code length}).
 */
public final class InputObjectResolver {
    private final EventKey inputKey;

    public InputObjectResolver(final EventKey inputKey) {
        this.inputKey = inputKey;
    }

    public InputObject resolve(final Event event) throws BadInputException {
        final JsonNode data = event.getJsonNode();
        final String bucket = text(data.get("bucket"));
        if (bucket == null || bucket.isBlank()) {
            throw new BadInputException("event has no 'bucket' field; ml_inference needs the bucket and key of an S3 object "
                    + "(the s3 source emits them in metadata_only mode)");
        }
        final String key;
        if (inputKey != null) {
            final Object value = event.get(inputKey, Object.class);
            key = value == null ? null : value.toString();
            if (key == null || key.isBlank()) {
                throw new BadInputException("event has no value at input_key '" + inputKey.getKey() + "' (bucket '" + bucket + "')");
            }
        } else {
            key = text(data.get("key"));
            if (key == null || key.isBlank()) {
                throw new BadInputException("event has no 'key' field (bucket '" + bucket + "'); set input_key if the object key is elsewhere");
            }
        }
        return new InputObject(bucket, key, version(data));
    }

    private static String version(final JsonNode data) {
        final String etag = text(data.get("etag"));
        if (etag != null && !etag.isBlank()) {
            return "etag:" + etag.replace("\"", "");
        }
        final Long modified = epochSeconds(data.get("time"));
        final JsonNode length = data.get("length");
        if (modified != null && length != null && length.canConvertToLong()) {
            return "modified:" + modified + ",length:" + length.asLong();
        }
        if (modified != null && length != null && length.isTextual() && length.asText().matches("\\d+")) {
            return "modified:" + modified + ",length:" + length.asText();
        }
        return "";
    }

    /** S3 LastModified has one-second precision; the event may carry epoch seconds (number or text) or ISO-8601. */
    private static Long epochSeconds(final JsonNode time) {
        if (time == null || time.isNull()) {
            return null;
        }
        if (time.isNumber()) {
            return time.decimalValue().longValue();
        }
        final String text = time.asText().trim();
        try {
            return new BigDecimal(text).longValue();
        } catch (final NumberFormatException notNumeric) {
            try {
                return Instant.parse(text).getEpochSecond();
            } catch (final DateTimeParseException notIso) {
                return null;
            }
        }
    }

    private static String text(final JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }
}
