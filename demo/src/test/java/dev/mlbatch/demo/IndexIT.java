package dev.mlbatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.StackHome;
import dev.mlbatch.stack.ml.OpenSearchHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mlbatch index} as a user runs it, on the real local stack: a JSON-lines file of 60 good WordNet records under
 * the user's own field names ({@code id}, {@code body}) with seven bad lines and a blank one mixed in, and last a
 * record that passes every check but does not fit the index mapping (a {@code tag_count} that is not an integer),
 * through the three SageMaker stages into a named index; then {@code mlbatch search} on that index.
 */
class IndexIT {
    private static final int GOOD = 60;
    private static final String INDEX = "index-it-sagemaker";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;
    private static ProjectLayout layout;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.startOrReuse();
        layout = ProjectLayout.locate();
    }

    @Test
    void aUserFileWithBadLinesEndsInANamedIndexHoldingExactlyItsGoodRecords() throws Exception {
        final List<String> lines = new ArrayList<>();
        final TreeSet<String> goodIds = new TreeSet<>();
        String firstId = null;
        for (final String line : Files.readAllLines(layout.corpus(), StandardCharsets.UTF_8).subList(0, GOOD)) {
            final ObjectNode record = (ObjectNode) JSON.readTree(line);
            final ObjectNode renamed = JSON.createObjectNode();
            renamed.set("id", record.remove("_id"));
            renamed.set("body", record.remove("text"));
            renamed.setAll(record);
            lines.add(renamed.toString());
            goodIds.add(renamed.path("id").asText());
            firstId = firstId == null ? renamed.path("id").asText() : firstId;
        }
        // Bad lines at known places (1-based line numbers once inserted, in this order).
        final Map<Integer, String> bad = new java.util.TreeMap<>(Map.of(
                3, "this line is not JSON",
                8, "{\"id\":\"no-text\"}",
                15, "{\"id\":\"empty-text\",\"body\":\"\"}",
                22, "{\"id\":\"" + firstId + "\",\"body\":\"a second record under the first id\"}",
                30, "{\"id\":\"too-long\",\"body\":\"" + "y".repeat(50_001) + "\"}",
                41, "[\"an array\"]",
                50, "{\"body\":\"a record without an id\"}"));
        bad.forEach((at, line) -> lines.add(at - 1, line));
        lines.add(12, ""); // a blank line: not a record (it shifts the lines after it by one)
        final ObjectNode unfit = (ObjectNode) JSON.readTree(lines.get(0));
        unfit.put("id", "unfit-tag-count").put("tag_count", "many");
        lines.add(unfit.toString()); // line 69: the template maps tag_count as an integer
        final Path file = Files.write(tmp.resolve("it-docs.jsonl"), lines, StandardCharsets.UTF_8);

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int exit = IndexMain.run(new String[] {file.toString(), "--index", INDEX, "--id-field", "id", "--text-field", "body",
                "--keep-stack"}, tee(out), System.err);
        final String printed = out.toString(StandardCharsets.UTF_8);

        assertEquals(IndexMain.EXIT_INCOMPLETE, exit, "one good record could not be indexed\n" + printed);
        assertTrue(printed.startsWith("mlbatch index: " + file + ": 68 records (61 good, 7 bad, 1 blank line skipped), provider sagemaker, index "
                + INDEX + "\n"), printed);
        for (final String expected : List.of(
                file + ":3: not JSON",
                file + ":8: no text field 'body'",
                file + ":16: text field 'body' is empty",
                file + ":23: id '" + firstId + "' repeats the record on line 1 (the first one is kept)",
                file + ":31: text field 'body' has 50,001 characters, more than the 50,000 sagemaker takes",
                file + ":42: not a JSON object but an array",
                file + ":51: no id field 'id'")) {
            assertTrue(printed.contains("  " + expected), "names " + expected + " in\n" + printed);
        }
        assertTrue(printed.contains(file + ": records in 68 = indexed 60 + rejected 7 (7 before upload, 0 by the pipelines)"
                + " + dead-lettered 0 + not indexed 1\n"), printed);
        assertTrue(printed.contains("\n  " + file + ":69: not indexed: 400 "), "the unfit record named with its line and status:\n" + printed);
        assertTrue(printed.contains("INCOMPLETE: 61 good records, 60 documents with a vector in " + INDEX), printed);
        final Path badRecords = StackHome.locate().root().resolve("index").resolve(INDEX).resolve("bad-records-sagemaker.txt");
        assertEquals(7, Files.readAllLines(badRecords).size(), "every bad record in " + badRecords);

        final OpenSearchHttp openSearch = new OpenSearchHttp(stack.openSearchUrl());
        openSearch.post("/" + INDEX + "/_refresh", null).orThrow("refresh");
        final JsonNode hits = openSearch.post("/" + INDEX + "/_search", Map.of("size", 1000,
                "_source", Map.of("excludes", List.of("text_embedding")))).orThrow("search").path("hits").path("hits");
        final TreeSet<String> indexed = new TreeSet<>();
        hits.forEach(hit -> indexed.add(hit.path("_id").asText()));
        assertEquals(goodIds, indexed, "exactly the good records");
        final long withVector = openSearch.post("/" + INDEX + "/_count", Map.of("query", Map.of("exists", Map.of("field", "text_embedding"))))
                .orThrow("count").path("count").asLong();
        assertEquals(GOOD, withVector, "each with its vector");
        final JsonNode first = JSON.readTree(lines.get(0));
        final JsonNode stored = openSearch.get("/" + INDEX + "/_doc/" + firstId).orThrow("get").path("_source");
        assertEquals(first.path("body").asText(), stored.path("text").asText(), "the user's body is the document's text");
        assertEquals(first.path("lemma").asText(), stored.path("lemma").asText(), "other fields kept");
        assertTrue(stored.path("id").isMissingNode() && stored.path("body").isMissingNode(), "no copy under the user's names: " + stored);

        try (S3Client s3 = stack.newS3Client()) {
            final String bucket = FlowDestination.ownBucket(INDEX).bucket();
            assertTrue(s3.listObjectsV2(r -> r.bucket(bucket).prefix("sagemaker/raw/")).keyCount() > 0,
                    "the raw upload is in the index's own bucket " + bucket + ", not the demo's");
        }

        final ByteArrayOutputStream searched = new ByteArrayOutputStream();
        assertEquals(0, SearchMain.run(new String[] {INDEX, first.path("body").asText(), "-k", "3"}, tee(searched), System.err));
        final List<String> result = searched.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(4, result.size(), "a header and three hits: " + result);
        assertTrue(result.get(1).matches("\\s+1\\s+\\d\\.\\d{4}\\s+" + java.util.regex.Pattern.quote(firstId) + "\\s+.*"),
                "the record whose own text is the query comes first: " + result);

        final ByteArrayOutputStream missing = new ByteArrayOutputStream();
        assertEquals(SearchMain.EXIT_USAGE, SearchMain.run(new String[] {"no-such-index-it", "q"}, System.out,
                new PrintStream(missing, true, StandardCharsets.UTF_8)));
        assertTrue(missing.toString(StandardCharsets.UTF_8).startsWith("mlbatch search: there is no index 'no-such-index-it' at "),
                missing.toString(StandardCharsets.UTF_8));
    }

    /** Prints to the test's output and keeps a copy to check. */
    private static PrintStream tee(final ByteArrayOutputStream copy) {
        return new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(final int b) {
                copy.write(b);
                System.out.write(b);
            }

            @Override
            public void write(final byte[] b, final int off, final int len) {
                copy.write(b, off, len);
                System.out.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
    }
}
