package dev.mlbatch.stack.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Titan Text Embeddings V2 request/response shape over all-MiniLM-L6-v2: {@code inputText} in,
 * {@code embedding}, {@code embeddingsByType.float} and {@code inputTextTokenCount} out. The vector
 * always has 384 dimensions and is always normalised ({@code dimensions}/{@code normalize} are
 * accepted and ignored: the local model has one size).
 */
public final class TitanEmbedding {

    public static final String MODEL_ID = "amazon.titan-embed-text-v2:0";

    private final MiniLmModel model;

    public TitanEmbedding(MiniLmModel model) {
        this.model = model;
    }

    public static boolean supports(String modelId) {
        return modelId != null && (modelId.equals(MODEL_ID) || modelId.endsWith("/" + MODEL_ID)
                || modelId.endsWith("foundation-model/" + MODEL_ID));
    }

    /** @throws IllegalArgumentException with Bedrock's "Malformed input request" wording */
    public ObjectNode invoke(JsonNode input) {
        if (input == null || !input.isObject()) {
            throw new IllegalArgumentException("Malformed input request: expected type: JSONObject, found: "
                    + (input == null ? "null" : input.getNodeType()) + ", please reformat your input and try again.");
        }
        JsonNode text = input.get("inputText");
        if (text == null || text.isNull()) {
            throw new IllegalArgumentException("Malformed input request: #: required key [inputText] not found, "
                    + "please reformat your input and try again.");
        }
        if (!text.isTextual()) {
            throw new IllegalArgumentException("Malformed input request: #/inputText: expected type: String, found: "
                    + text.getNodeType() + ", please reformat your input and try again.");
        }
        if (text.asText().isBlank()) {
            throw new IllegalArgumentException("Malformed input request: #/inputText: expected minLength: 1, actual: "
                    + text.asText().length() + ", please reformat your input and try again.");
        }
        MiniLmModel.Embedded embedded = model.embed(text.asText());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode vector = out.putArray("embedding");
        for (float f : embedded.vector()) {
            vector.add(f);
        }
        out.putObject("embeddingsByType").set("float", vector.deepCopy());
        out.put("inputTextTokenCount", embedded.tokens());
        return out;
    }
}
