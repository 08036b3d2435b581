package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

/**
 * SageMaker's {@code DataProcessing} {@code InputFilter}/{@code OutputFilter}: a JSONPath applied to
 * one record. {@code $} (or no filter) keeps the record as it is.
 */
public final class JsonPathFilter {

    private static final Configuration CONFIG = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .options(Option.SUPPRESS_EXCEPTIONS)
            .build();

    private final JsonPath path;

    private JsonPathFilter(JsonPath path) {
        this.path = path;
    }

    /** @throws IllegalArgumentException if the expression does not compile */
    public static JsonPathFilter of(String expression) {
        if (expression == null || expression.isBlank() || "$".equals(expression.trim())) {
            return new JsonPathFilter(null);
        }
        try {
            return new JsonPathFilter(JsonPath.compile(expression.trim()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid JSONPath '" + expression + "': " + e.getMessage());
        }
    }

    /** The selected value, or null when nothing matches. */
    public JsonNode apply(JsonNode record) {
        if (path == null) {
            return record;
        }
        return path.read(record, CONFIG);
    }
}
