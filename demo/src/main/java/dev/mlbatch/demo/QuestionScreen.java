package dev.mlbatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.demo.quality.ExactCosineIndex;
import dev.mlbatch.stack.model.MiniLmModel;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Decides which held-out questions the end-to-end test may insist on: embeds the first N corpus records and every
 * question with the real model, ranks the records by exact cosine similarity, and marks {@code top3_at_1000} on the
 * questions whose record is in the top 3 <em>by a margin</em> over the 4th best. Without the margin a question whose
 * record sits a hair above the 4th flips with the approximate HNSW search and the batch embeddings' rounding.
 *
 * <p>{@code QuestionScreen [--records N] [--margin M] [--write]}: prints every question's rank and margin; with
 * {@code --write} rewrites {@code examples/corpus/questions.jsonl} with the new marks.
 */
public final class QuestionScreen {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARK = "top3_at_1000";

    /** The expected record's exact rank (1-based) and its cosine lead over the best record outside the top 3. */
    record Screened(ObjectNode question, int rank, double margin) {
        boolean answerable(final double minimumMargin) {
            return rank <= 3 && margin >= minimumMargin;
        }
    }

    public static void main(final String[] args) throws IOException {
        int records = 1000;
        double minimumMargin = 0.01;
        boolean write = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Integer.parseInt(args[++i]);
                case "--margin" -> minimumMargin = Double.parseDouble(args[++i]);
                case "--write" -> write = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (usage: QuestionScreen [--records N] [--margin M] [--write])");
            }
        }
        final ProjectLayout layout = ProjectLayout.locate();
        final List<Screened> screened = screen(new MiniLmModel(), readLines(layout.corpus(), records),
                readLines(layout.questions(), Integer.MAX_VALUE));
        int top1 = 0;
        int top3 = 0;
        int marked = 0;
        for (final Screened s : screened) {
            top1 += s.rank() == 1 ? 1 : 0;
            top3 += s.rank() <= 3 ? 1 : 0;
            marked += s.answerable(minimumMargin) ? 1 : 0;
            System.out.printf(Locale.ROOT, "%s rank %4d margin %+.4f%s%n", s.question().path("question_id").asText(),
                    s.rank(), s.margin(), s.answerable(minimumMargin) ? "  " + MARK : "");
        }
        System.out.printf(Locale.ROOT, "%d questions over the first %d records: %d first, %d in the top 3, %d in the top 3 "
                + "by a cosine margin of at least %.3f%n", screened.size(), records, top1, top3, marked, minimumMargin);
        if (write) {
            final StringBuilder out = new StringBuilder();
            for (final Screened s : screened) {
                s.question().put(MARK, s.answerable(minimumMargin));
                out.append(JSON.writeValueAsString(s.question())).append('\n');
            }
            Files.writeString(layout.questions(), out, StandardCharsets.UTF_8);
            System.out.println("wrote " + layout.questions());
        }
    }

    static List<Screened> screen(final MiniLmModel model, final List<ObjectNode> corpus, final List<ObjectNode> questions) {
        final List<String> ids = new ArrayList<>();
        final List<float[]> vectors = new ArrayList<>();
        for (final ObjectNode record : corpus) {
            ids.add(record.path("_id").asText());
            vectors.add(model.embed(record.path("text").asText()).vector());
        }
        final List<Screened> screened = new ArrayList<>();
        for (final ObjectNode question : questions) {
            final int expected = ids.indexOf(question.path("expected_id").asText());
            if (expected < 0) {
                screened.add(new Screened(question, Integer.MAX_VALUE, Double.NEGATIVE_INFINITY));
                continue;
            }
            final float[] q = model.embed(question.path("question").asText()).vector();
            final double[] scores = vectors.stream().mapToDouble(v -> ExactCosineIndex.dot(q, v)).toArray();
            final double expectedScore = scores[expected];
            int rank = 1;
            // The best competitor that the expected record must stay ahead of: the 3rd best other record.
            final double[] others = new double[scores.length - 1];
            for (int i = 0, j = 0; i < scores.length; i++) {
                if (i != expected) {
                    others[j++] = scores[i];
                    rank += scores[i] > expectedScore ? 1 : 0;
                }
            }
            Arrays.sort(others);
            final double thirdOther = others[others.length - 3];
            screened.add(new Screened(question, rank, expectedScore - thirdOther));
        }
        return screened;
    }

    private static List<ObjectNode> readLines(final Path file, final int limit) throws IOException {
        final List<ObjectNode> lines = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while (lines.size() < limit && (line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    final JsonNode node = JSON.readTree(line);
                    lines.add((ObjectNode) node);
                }
            }
        }
        return lines;
    }
}
