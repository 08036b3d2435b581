package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What the DJL text-embedding container behind the reference SageMaker model does with one payload:
 * a JSON string is one text and gives {@code [f1..f384]}; a JSON array of strings is a batch and
 * gives {@code [[..],[..]]}; an object contributes its {@code inputs} member; a non-JSON content type
 * makes the whole payload one text.
 */
public final class DjlTextEmbedding {

    private final MiniLmModel model;

    public DjlTextEmbedding(MiniLmModel model) {
        this.model = model;
    }

    /** @throws IllegalArgumentException with DJL's message when the payload has no usable input */
    public JsonNode embedJson(JsonNode payload) {
        JsonNode input = payload;
        if (input != null && input.isObject()) {
            input = input.get("inputs");
            if (input == null) {
                throw new IllegalArgumentException("Missing \"inputs\" in json.");
            }
        }
        if (input == null || input.isNull()) {
            throw new IllegalArgumentException("Invalid input: no text");
        }
        if (input.isArray()) {
            List<String> texts = new ArrayList<>();
            for (JsonNode item : input) {
                texts.add(item.isTextual() ? item.asText() : item.toString());
            }
            ArrayNode batch = JsonNodeFactory.instance.arrayNode();
            for (String text : texts) {
                batch.add(vector(text));
            }
            return batch;
        }
        return vector(input.isTextual() ? input.asText() : input.toString());
    }

    public JsonNode embedText(String text) {
        return vector(text);
    }

    private ArrayNode vector(String text) {
        float[] v = model.embed(text).vector();
        ArrayNode array = JsonNodeFactory.instance.arrayNode(v.length);
        for (float f : v) {
            array.add(f);
        }
        return array;
    }
}
