package dev.mlbatch.demo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command lines of {@code mlbatch index} and {@code mlbatch search}, and the names they derive. */
class IndexArgumentsTest {

    @Test
    void theIndexNameComesFromTheFileNameUnlessGiven() {
        assertEquals("my-docs", IndexMain.parse(new String[] {"data/my-docs.jsonl"}).index());
        assertEquals("my-docs_v2", IndexMain.parse(new String[] {"My-Docs_v2.CSV"}).index());
        assertEquals("notes-2026.12", FlowDestination.indexNameFor("Notes (2026.12)!.jsonl"));
        assertEquals("report", FlowDestination.indexNameFor("_report.jsonl"), "no leading '_' or '-'");
        assertNull(FlowDestination.indexNameFor("___.jsonl"));
        final IndexMain.Options options = IndexMain.parse(new String[] {"--provider", "bedrock", "x.jsonl", "--index", "corpus-1",
                "--text-field", "body", "--id-field", "id", "--keep-stack"});
        assertEquals(new IndexMain.Options(Path.of("x.jsonl"), "corpus-1", Provider.BEDROCK,
                new CorpusFile.Fields("id", "body"), true), options);
    }

    @Test
    void badIndexNamesAndArgumentsAreUsageErrors() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IndexMain.parse(new String[] {"x.jsonl", "--index", "My_Index"}))
                .getMessage().startsWith("--index 'My_Index': use lowercase letters"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IndexMain.parse(new String[] {"x.jsonl", "--index", "-x"}))
                .getMessage().contains("starting with a letter or a digit"));
        assertEquals("FILE is missing", assertThrows(IllegalArgumentException.class, () -> IndexMain.parse(new String[] {})).getMessage());
        assertEquals("no index name can be made from the file name '___.jsonl'; give one with --index NAME",
                assertThrows(IllegalArgumentException.class, () -> IndexMain.parse(new String[] {"___.jsonl"})).getMessage());
        assertEquals("--text-field and --id-field must be two different, non-empty field names",
                assertThrows(IllegalArgumentException.class, () -> IndexMain.parse(new String[] {"x.jsonl", "--id-field", "text"})).getMessage());
    }

    @Test
    void aMissingFileExitsWithTheUsageCodeAndNamesTheFile() throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exit = IndexMain.run(new String[] {"/nonexistent/my-docs.jsonl"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(IndexMain.EXIT_USAGE, exit);
        assertEquals("mlbatch index: /nonexistent/my-docs.jsonl: no such file\n", err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing started");
    }

    @Test
    void eachIndexHasABucketOfItsOwnWithAValidS3Name() {
        final String a = FlowDestination.ownBucket("a_b").bucket();
        final String b = FlowDestination.ownBucket("a-b").bucket();
        assertTrue(a.matches("mlbatch-idx-a-b-[0-9a-f]{8}"), a);
        assertTrue(!a.equals(b), "a_b and a-b keep apart: " + a + " " + b);
        final String longName = FlowDestination.ownBucket("x".repeat(200) + ".v1").bucket();
        assertTrue(longName.length() <= 63 && longName.matches("[a-z0-9][a-z0-9-]*[a-z0-9]"), longName);
        assertEquals("wordnet-sagemaker", Provider.SAGEMAKER.index(), "the demo keeps its index");
    }

    @Test
    void searchTakesAnIndexAQuotedQueryAndK() {
        assertEquals(new SearchMain.Options("my-docs", "how do I reset it", 5, Provider.BEDROCK),
                SearchMain.parse(new String[] {"my-docs", "how do I reset it", "-k", "5", "--provider", "bedrock"}));
        assertEquals(10, SearchMain.parse(new String[] {"my-docs", "q"}).k());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SearchMain.parse(new String[] {"my-docs", "how", "do"}))
                .getMessage().startsWith("too many arguments"));
        assertEquals("-k must be between 1 and 10000, not 0",
                assertThrows(IllegalArgumentException.class, () -> SearchMain.parse(new String[] {"i", "q", "-k", "0"})).getMessage());
        assertEquals("'a/b' is not an index name",
                assertThrows(IllegalArgumentException.class, () -> SearchMain.parse(new String[] {"a/b", "q"})).getMessage());
        assertEquals("a b c…", SearchMain.abbreviate("  a\n b \t c d e ", 6));
    }
}
