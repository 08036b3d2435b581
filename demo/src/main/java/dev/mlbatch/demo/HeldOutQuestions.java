package dev.mlbatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The held-out questions of {@code examples/corpus/questions.jsonl}: each names the record that answers it. A
 * question counts only when that record was loaded.
 */
public final class HeldOutQuestions {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * {@code answeredAtThousand}: marked {@code top3_at_1000}, its record is in the exact top 3 of the first 1,000
     * records by a clear margin ({@link QuestionScreen}).
     */
    public record Question(String id, String text, String expectedId, boolean answeredAtThousand) {
    }

    /** How one question fared: the ids of the top hits, best first. */
    public record Answer(Question question, List<String> topIds) {
        public boolean expectedInTop() {
            return topIds.contains(question.expectedId());
        }
    }

    private final List<Question> questions;

    private HeldOutQuestions(final List<Question> questions) {
        this.questions = List.copyOf(questions);
    }

    /** The questions of {@code file} whose expected record is among {@code loadedIds}. */
    public static HeldOutQuestions read(final Path file, final Set<String> loadedIds) throws IOException {
        final List<Question> questions = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                final JsonNode q = JSON.readTree(line);
                final Question question = new Question(q.path("question_id").asText(), q.path("question").asText(),
                        q.path("expected_id").asText(), q.path("top3_at_1000").asBoolean(false));
                if (loadedIds.contains(question.expectedId())) {
                    questions.add(question);
                }
            }
        }
        return new HeldOutQuestions(questions);
    }

    public List<Question> questions() {
        return questions;
    }

    /** Asks every question as {@code mlbatch search} does, keeping the top {@code top} ids. */
    public List<Answer> ask(final ExampleSearches searches, final int top) {
        final List<Answer> answers = new ArrayList<>();
        for (final Question q : questions) {
            answers.add(new Answer(q, searches.neural(q.text(), top).stream().map(ExampleSearches.Hit::id).toList()));
        }
        return answers;
    }
}
