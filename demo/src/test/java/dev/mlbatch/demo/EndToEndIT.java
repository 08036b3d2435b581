package dev.mlbatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mlbatch.runtime.RuntimeProcess;
import dev.mlbatch.stack.JvmClasspath;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import dev.mlbatch.stack.model.MiniLmModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three local pipelines of each provider on 1,000 records, each stage in its own runtime JVM on the real local
 * stack: once uninterrupted, then again with stage 2 and stage 3 each SIGKILLed mid-work and started again. Both
 * runs must leave the same index (every record once, with its source fields and a 384-float vector) and the
 * provider must have received the same number of jobs. Every document's vector must be the model's embedding of its
 * own text, computed here in the test JVM.
 */
class EndToEndIT {

    private static final int RECORDS = 1000;
    private static final Set<String> SOURCE_FIELDS = Set.of("text", "lemma", "lemmas", "pos", "synset_offset", "lexname",
            "tag_count", "text_embedding");
    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final Duration STAGE_TIMEOUT = Duration.ofMinutes(10);
    /** Cosine between a stored vector and the test's own embedding of the text: equal up to float rounding. */
    private static final double SAME_VECTOR = 0.999;

    private static final MiniLmModel MODEL = new MiniLmModel();
    private static final Map<String, float[]> EXPECTED_VECTORS = new HashMap<>();

    private static LocalStack stack;
    private static ProjectLayout layout;
    private static OpenSearchHttp openSearch;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.startOrReuse();
        stack.resetModelService();
        layout = ProjectLayout.locate();
        openSearch = new OpenSearchHttp(stack.openSearchUrl());
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void killedAndRestartedStagesEndLikeAnUninterruptedRun(final Provider provider) throws Exception {
        SelectedProviders.assumeSelected(provider);
        final PrintStream out = System.out;
        final Path work = StackHome.locate().root().resolve("e2e-test").resolve(provider.id());
        try (EndToEndFlow flow = new EndToEndFlow(stack, provider, layout.localPipelines(), work, JvmClasspath.current(),
                StackHome.locate().root(), out)) {
            // Raw object names of this run only, so input files and job names are new: jobs found by name (an earlier
            // test or run on this stack with the same records) would be adopted, and OpenAI and Cohere, which still
            // hold their results, would have them copied again instead of running a job.
            final String run = "e2e-" + System.currentTimeMillis();
            flow.rawObjectName(run + ".jsonl");
            out.println("=== " + provider + ": uninterrupted");
            final FlowSummary uninterrupted = flow.run(layout.corpus(), RECORDS);
            uninterrupted.print(out);
            final Map<String, String> index = checkIndex(provider, flow.loadedIds());
            checkHeldOutQuestions(provider, flow.loadedIds());

            out.println("=== " + provider + ": stage 2 and stage 3 killed (SIGKILL) mid-work and started again");
            flow.reset();
            final Instant since = Instant.now().minusSeconds(1);
            // The same records under another raw object name: the first run's jobs must not be adopted either, or
            // the provider would get no job to be killed during.
            flow.rawObjectName(run + "-again.jsonl");
            flow.load(layout.corpus(), RECORDS);
            flow.prepare();
            try (RuntimeProcess trigger = flow.start(EndToEndFlow.TRIGGER)) {
                flow.awaitUntil(trigger, "a provider job appeared", () -> flow.observer().providerJobs(since).count() > 0, STAGE_TIMEOUT);
                trigger.kill();
            }
            try (RuntimeProcess trigger = flow.start(EndToEndFlow.TRIGGER)) {
                flow.awaitJobsEnded(trigger, STAGE_TIMEOUT);
                flow.stop(trigger);
            }
            try (RuntimeProcess ingest = flow.start(EndToEndFlow.INGEST)) {
                flow.awaitUntil(ingest, "a first vector was indexed", () -> flow.observer().documentsWithVector() > 0, STAGE_TIMEOUT);
                ingest.kill();
            }
            try (RuntimeProcess ingest = flow.start(EndToEndFlow.INGEST)) {
                flow.awaitIndexed(ingest, STAGE_TIMEOUT);
                flow.stop(ingest);
            }
            final FlowSummary restarted = flow.summary();
            restarted.print(out);

            assertEquals(uninterrupted.jobs().count(), restarted.jobs().count(),
                    provider + ": provider jobs of the killed run vs the uninterrupted run");
            assertEquals(uninterrupted.inputFiles(), restarted.inputFiles(), provider + ": input files");
            assertEquals(index, checkIndex(provider, flow.loadedIds()),
                    provider + ": the index after the killed run differs from the uninterrupted run's");
        }
    }

    /** Every loaded record is in the index exactly once with all its fields and a 384-float vector; returns each
     * document's canonical JSON by id. */
    private static Map<String, String> checkIndex(final Provider provider, final List<String> ids) throws Exception {
        openSearch.post("/" + provider.index() + "/_refresh", null).orThrow("refresh");
        final JsonNode hits = openSearch.post("/" + provider.index() + "/_search",
                Map.of("size", RECORDS + 10, "query", Map.of("match_all", Map.of()))).orThrow("search").path("hits");
        assertEquals(ids.size(), hits.path("total").path("value").asInt(), provider + ": documents in the index");
        final Map<String, String> documents = new TreeMap<>();
        for (final JsonNode hit : hits.path("hits")) {
            final JsonNode source = hit.path("_source");
            final Set<String> fields = new HashSet<>();
            source.fieldNames().forEachRemaining(fields::add);
            assertEquals(SOURCE_FIELDS, fields, provider + ": fields of " + hit.path("_id").asText());
            final JsonNode vector = source.path("text_embedding");
            assertEquals(384, vector.size(), provider + ": vector length of " + hit.path("_id").asText());
            vector.forEach(v -> assertTrue(v.isNumber(), provider + ": vector of " + hit.path("_id").asText()));
            final String text = source.path("text").asText();
            final float[] expected = EXPECTED_VECTORS.computeIfAbsent(text, t -> MODEL.embed(t).vector());
            double cosine = 0;
            for (int i = 0; i < expected.length; i++) {
                cosine += expected[i] * vector.get(i).asDouble();
            }
            assertTrue(cosine > SAME_VECTOR, provider + ": the vector of " + hit.path("_id").asText()
                    + " is not the embedding of its text (cosine " + cosine + ")");
            documents.put(hit.path("_id").asText(),
                    CANONICAL.writeValueAsString(CANONICAL.treeToValue(source, Object.class)));
        }
        assertEquals(new TreeSet<>(ids), documents.keySet(), provider + ": document ids vs loaded record ids");
        return documents;
    }

    /**
     * Every question marked answerable (examples/README.md: in the exact top 3 by a clear margin) has its record in
     * the neural top 3, asked as {@code mlbatch search} asks by default: the vectors are right and the approximate
     * graph search finds what exact search finds.
     */
    private static void checkHeldOutQuestions(final Provider provider, final List<String> ids) throws Exception {
        final ExampleSearches searches = new ExampleSearches(openSearch, provider.index(), stack.env().get(provider.realtimeModelKey()));
        final List<HeldOutQuestions.Answer> answers = HeldOutQuestions.read(layout.questions(), new HashSet<>(ids)).ask(searches, 3);
        final long answerable = answers.stream().filter(a -> a.question().answeredAtThousand()).count();
        final List<String> missed = answers.stream()
                .filter(a -> a.question().answeredAtThousand() && !a.expectedInTop())
                .map(a -> a.question().id() + " \"" + a.question().text() + "\" expected " + a.question().expectedId()
                        + ", got " + a.topIds())
                .toList();
        System.out.printf("%s: %d of %d held-out questions in the neural top 3 (%d marked answerable)%n", provider,
                answers.stream().filter(HeldOutQuestions.Answer::expectedInTop).count(), answers.size(), answerable);
        assertTrue(answerable > 100, "questions.jsonl marks " + answerable + " questions answerable");
        assertEquals(List.of(), missed, provider + ": answerable questions missing from the neural top 3");
    }
}
