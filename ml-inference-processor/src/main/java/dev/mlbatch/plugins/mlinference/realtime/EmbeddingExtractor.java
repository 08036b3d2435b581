package dev.mlbatch.plugins.mlinference.realtime;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the embeddings in a {@code _predict} answer, in input order. Understands the shapes ML Commons
 * produces for remote embedding models: tensors with {@code data} (built-in post-process functions,
 * one tensor per input), and {@code dataAsMap} holding the provider's raw answer ({@code response} as a
 * list of vectors (DJL/SageMaker), {@code embedding} (Bedrock Titan), {@code embeddings} (Cohere),
 * {@code data[].embedding} (OpenAI)).
 */
public final class EmbeddingExtractor {

    /** The answer did not hold one embedding per input. */
    public static class UnexpectedAnswerException extends Exception {
        public UnexpectedAnswerException(final String message) {
            super(message);
        }
    }

    public List<List<Double>> extract(final JsonNode answer, final int inputs) throws UnexpectedAnswerException {
        final List<List<Double>> vectors = new ArrayList<>();
        for (final JsonNode result : answer.path("inference_results")) {
            for (final JsonNode tensor : result.path("output")) {
                if (tensor.path("data").isArray() && tensor.path("data").size() > 0) {
                    vectors.add(numbers(tensor.get("data")));
                } else if (tensor.path("dataAsMap").isObject()) {
                    vectors.addAll(fromMap(tensor.get("dataAsMap")));
                }
            }
        }
        if (vectors.size() != inputs) {
            throw new UnexpectedAnswerException("the model answered with " + vectors.size() + " embedding(s) for " + inputs
                    + " input(s); answer starts: " + abbreviate(answer.toString()));
        }
        return vectors;
    }

    private static List<List<Double>> fromMap(final JsonNode map) {
        for (final String field : new String[]{"response", "embeddings", "embedding", "data", "sentence_embedding"}) {
            final JsonNode value = map.get(field);
            if (value == null || !value.isArray() || value.isEmpty()) {
                continue;
            }
            if (value.get(0).isNumber()) {
                return List.of(numbers(value));
            }
            final List<List<Double>> vectors = new ArrayList<>();
            for (final JsonNode element : value) {
                if (element.isArray()) {
                    vectors.add(numbers(element));
                } else if (element.path("embedding").isArray()) {
                    vectors.add(numbers(element.get("embedding")));
                }
            }
            return vectors;
        }
        final JsonNode byType = map.path("embeddingsByType").path("float");
        return byType.isArray() ? List.of(numbers(byType)) : List.of();
    }

    private static List<Double> numbers(final JsonNode array) {
        final List<Double> values = new ArrayList<>(array.size());
        array.forEach(number -> values.add(number.asDouble()));
        return values;
    }

    private static String abbreviate(final String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
