package dev.mlbatch.demo.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.mlbatch.demo.EndToEndFlow;
import dev.mlbatch.demo.ExampleSearches;
import dev.mlbatch.demo.FlowDestination;
import dev.mlbatch.demo.FlowSummary;
import dev.mlbatch.demo.HeldOutQuestions;
import dev.mlbatch.demo.ProjectLayout;
import dev.mlbatch.demo.Provider;
import dev.mlbatch.stack.JvmClasspath;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.model.MiniLmModel;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code mlbatch bench quality [--corpus FILE --questions FILE] [--records N] [--provider sagemaker|bedrock|bedrock-builtin|openai|cohere]}: for
 * each evaluation corpus, in one run, exact brute-force cosine search with all-MiniLM-L6-v2 computed in this JVM on
 * the same texts, against what the flow's index (prepare, trigger, ingest on the local stack) answers to
 * {@code neural} and {@code knn} queries asked as {@code mlbatch search} asks. One row per source; the rows marked
 * "before" are the settings this project used to have (a 128-token tokenizer, the engine's default ef_search), kept
 * so that each cause of a loss is measured. Last line: {@code quality: <lowest flow neural top-3 ÷ exact top-3>}.
 */
public final class QualityBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How many hits every search asks for: the default of {@code mlbatch search}. */
    private static final int K = 10;
    /**
     * ef_search values measured next to the default with {@code knn} queries, whose time is the graph search alone,
     * for the README's trade-off.
     */
    private static final int[] EF_SEARCH_SWEEP = {10, 25, 50, 100, 200, 400, 800};
    private static final String USAGE = "usage: mlbatch bench quality [--corpus FILE --questions FILE] [--records N] "
            + "[--provider sagemaker|bedrock|bedrock-builtin|openai|cohere]";

    /** One corpus to evaluate: records ({@code _id}, {@code text} per line) and held-out questions. */
    public record Corpus(String name, Path records, Path questions, int limit) {
    }

    /** A corpus's share of the last line: its flow neural top-3 ÷ exact top-3. */
    record Result(String corpus, double ratio) {
    }

    private QualityBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        final ProjectLayout layout = ProjectLayout.locate();
        Provider provider = Provider.SAGEMAKER;
        Path corpus = null;
        Path questions = null;
        Integer records = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--corpus" -> corpus = Path.of(value(args, ++i));
                case "--questions" -> questions = Path.of(value(args, ++i));
                case "--records" -> records = Integer.parseInt(value(args, ++i));
                case "--provider" -> provider = Provider.parse(value(args, ++i));
                default -> throw new IllegalArgumentException("unexpected argument '" + args[i] + "'; " + USAGE);
            }
        }
        if ((corpus == null) != (questions == null)) {
            throw new IllegalArgumentException("--corpus and --questions go together; " + USAGE);
        }
        final List<Corpus> corpora = new ArrayList<>();
        if (corpus != null) {
            corpora.add(new Corpus(corpus.getFileName().toString(), corpus, questions, records == null ? Integer.MAX_VALUE : records));
        } else {
            for (final Corpus shipped : shippedCorpora(layout)) {
                corpora.add(records == null ? shipped : new Corpus(shipped.name(), shipped.records(), shipped.questions(), records));
            }
        }

        final LocalStack stack = LocalStack.startOrReuse();
        final MiniLmModel model = new MiniLmModel();
        final AllMiniLmL6V2EmbeddingModel cutAt128 = new AllMiniLmL6V2EmbeddingModel();
        final List<Result> results = new ArrayList<>();
        for (final Corpus c : corpora) {
            results.add(evaluate(stack, layout, provider, c, model, text -> cutAt128.embed(text).content().vector()));
        }
        double lowest = Double.MAX_VALUE;
        final StringBuilder each = new StringBuilder();
        for (final Result r : results) {
            lowest = Math.min(lowest, r.ratio());
            each.append(each.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.3f", r.corpus(), r.ratio()));
        }
        System.out.printf(Locale.ROOT, "quality: %.3f of exact top-3, flow neural k=%d, %s (%s; target >= 0.99)%n",
                lowest, K, provider, each);
    }

    /** The evaluation corpora of {@code examples/corpus/} (examples/README.md says where each comes from). */
    static List<Corpus> shippedCorpora(final ProjectLayout layout) {
        final Path corpora = layout.root().resolve("examples/corpus");
        return List.of(new Corpus("wordnet", layout.corpus(), layout.questions(), 5000),
                new Corpus("postgresql", corpora.resolve("postgresql-passages.jsonl"),
                        corpora.resolve("postgresql-questions.jsonl"), Integer.MAX_VALUE));
    }

    private static Result evaluate(final LocalStack stack, final ProjectLayout layout, final Provider provider,
                                   final Corpus corpus, final MiniLmModel model,
                                   final Function<String, float[]> cutAt128) throws Exception {
        // Reads the first records of the corpus as stage 1 will, so that both sides see the same texts.
        final List<String> ids = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        readRecords(corpus, ids, texts);
        final String problem = provider.recordCountProblem(ids.size());
        if (problem != null) {
            throw new IllegalArgumentException(corpus.name() + ": " + problem + " (set --records)");
        }
        final List<HeldOutQuestions.Question> questions = HeldOutQuestions.read(corpus.questions(), new HashSet<>(ids)).questions();
        System.out.printf(Locale.ROOT, "%n== %s: %d records, %d questions whose record is among them, provider %s%n",
                corpus.name(), ids.size(), questions.size(), provider);

        final long t0 = System.nanoTime();
        final ExactCosineIndex exact = ExactCosineIndex.of(ids, texts, text -> model.embed(text).vector());
        final ExactCosineIndex exact128 = ExactCosineIndex.of(ids, texts, cutAt128);
        final long longer = texts.stream().filter(t -> model.tokens(t) > 128 - 2).count();
        System.out.printf(Locale.ROOT, "embedded in process in %.1f s; %d of %d records are longer than 126 word pieces, "
                + "%d reach the model's %d-token limit%n", (System.nanoTime() - t0) / 1e9, longer, texts.size(),
                texts.stream().filter(t -> model.tokens(t) == MiniLmModel.MAX_SEQUENCE_LENGTH - 2).count(),
                MiniLmModel.MAX_SEQUENCE_LENGTH);

        final StackHome home = StackHome.locate();
        final FlowSummary summary;
        final FlowDestination destination = FlowDestination.ownBucket("quality-" + corpus.name().toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-") + "-" + provider.id());
        try (EndToEndFlow flow = new EndToEndFlow(stack, provider, destination, layout.localPipelines(),
                home.root().resolve("bench-quality").resolve(provider.id()), JvmClasspath.forPipelines(), home.root(), System.out)) {
            // A name of its own per run, so that the provider runs fresh jobs on a stack that has seen these records.
            flow.rawObjectName(corpus.name().replaceAll("[^A-Za-z0-9-]", "-") + "-" + DateTimeFormatter
                    .ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()) + ".jsonl");
            summary = flow.run(corpus.records(), ids.size());
        }
        summary.print(System.out);
        if (!summary.complete()) {
            throw new IllegalStateException(corpus.name() + ": not every record was indexed with its vector");
        }

        final OpenSearchHttp openSearch = new OpenSearchHttp(stack.openSearchUrl());
        final ExampleSearches searches = new ExampleSearches(openSearch, destination.index(), stack.env().get(provider.realtimeModelKey()));
        final Map<String, RankTally> rows = new LinkedHashMap<>();
        final RankTally exactRow = row(rows, "exact cosine, in process (256 tokens)");
        final RankTally exact128Row = row(rows, "exact cosine, in process, 128 tokens [before]");
        final RankTally scriptScore = row(rows, "index: exact script_score, stored vectors");
        final RankTally knn = row(rows, "index: knn k=" + K + ", in-process query vector");
        final RankTally neural = row(rows, "index: neural k=" + K + " (mlbatch search, ef_search " + ExampleSearches.EF_SEARCH + ")");
        final RankTally neuralBefore = row(rows, "index: neural k=" + K + ", engine's ef_search (k) [before]");
        final Map<Integer, RankTally> sweep = new LinkedHashMap<>();
        for (final int ef : EF_SEARCH_SWEEP) {
            sweep.put(ef, row(rows, "index: knn k=" + K + ", ef_search " + ef));
        }
        for (final HeldOutQuestions.Question q : questions) {
            final float[] vector = model.embed(q.text()).vector();
            exactRow.count(q.expectedId(), exact.top(vector, K));
            exact128Row.count(q.expectedId(), exact128.top(cutAt128.apply(q.text()), K));
            scriptScore.count(q.expectedId(), ids(searches.exact(vector, K)), searches.lastTookMillis());
            knn.count(q.expectedId(), ids(searches.knn(vector, K)), searches.lastTookMillis());
            neural.count(q.expectedId(), ids(searches.neural(q.text(), K)), searches.lastTookMillis());
            neuralBefore.count(q.expectedId(), ids(searches.neural(q.text(), K, 0)), searches.lastTookMillis());
            for (final Map.Entry<Integer, RankTally> ef : sweep.entrySet()) {
                ef.getValue().count(q.expectedId(), ids(searches.knn(vector, K, ef.getKey())), searches.lastTookMillis());
            }
        }
        System.out.printf(Locale.ROOT, "index %s: %d segments; ef_search %d at query time%n", destination.index(),
                segments(openSearch, destination.index()), ExampleSearches.EF_SEARCH);
        System.out.printf(Locale.ROOT, "  %-50s %6s %6s %6s %7s%n", "source (" + questions.size() + " questions)", "top-1",
                "top-3", "top-10", "took ms");
        rows.values().forEach(r -> System.out.println(r.row()));
        final double ratio = exactRow.top3() == 0 ? 0 : neural.top3() / exactRow.top3();
        System.out.printf(Locale.ROOT, "quality[%s]: %.3f (neural top-3 %.3f / exact top-3 %.3f)%n", corpus.name(), ratio,
                neural.top3(), exactRow.top3());
        return new Result(corpus.name(), ratio);
    }

    private static RankTally row(final Map<String, RankTally> rows, final String source) {
        final RankTally tally = new RankTally(source);
        rows.put(source, tally);
        return tally;
    }

    private static List<String> ids(final List<ExampleSearches.Hit> hits) {
        return hits.stream().map(ExampleSearches.Hit::id).toList();
    }

    private static int segments(final OpenSearchHttp openSearch, final String index) {
        final JsonNode answer = openSearch.get("/" + index + "/_segments").orThrow("segments of " + index);
        int count = 0;
        for (final JsonNode shard : answer.path("indices").path(index).path("shards")) {
            for (final JsonNode copy : shard) {
                if (copy.path("routing").path("primary").asBoolean()) {
                    count += copy.path("num_search_segments").asInt();
                }
            }
        }
        return count;
    }

    /** The first {@code limit} records of the corpus file, as stage 1 will read them. */
    private static void readRecords(final Corpus corpus, final List<String> ids, final List<String> texts) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(corpus.records(), StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while (ids.size() < corpus.limit() && (line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                final JsonNode record = JSON.readTree(line);
                if (!record.path("_id").isValueNode() || !record.path("text").isTextual() || record.path("text").asText().isBlank()) {
                    throw new IllegalArgumentException(corpus.records() + " line " + number
                            + ": an evaluation record needs an _id and a non-blank text");
                }
                ids.add(record.path("_id").asText());
                texts.add(record.path("text").asText());
            }
        }
    }

    private static String value(final String[] args, final int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value; " + USAGE);
        }
        return args[i];
    }
}
