package dev.mlbatch.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CorpusFile.Fields ID_BODY = new CorpusFile.Fields("id", "body");

    @TempDir
    Path tmp;

    @Test
    void aFileMixingGoodAndBadLinesNamesEveryBadOneWithFileAndLine() throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<String> lines = List.of(
                "{\"id\":\"a\",\"body\":\"the first passage\",\"lang\":\"en\"}",   // 1 good
                "not json at all",                                                // 2
                "",                                                               // 3 blank: not a record
                "{\"id\":\"b\"}",                                                 // 4 no text
                "{\"id\":\"c\",\"body\":\"\"}",                                   // 5 empty text
                "{\"id\":\"d\",\"body\":\" \\t\\n \"}",                           // 6 blank text
                "{\"id\":\"a\",\"body\":\"again under a\"}",                      // 7 repeats line 1
                "{\"id\":\"e\",\"body\":\"" + "x".repeat(50_001) + "\"}",       // 8 too long
                "[1, 2]",                                                         // 9 not an object
                "{\"body\":\"no id\"}",                                           // 10 no id
                "{\"id\":7,\"body\":\"an integer id is fine\"}",                  // 11 good
                "{\"id\":\"f\",\"body\":42}",                                     // 12 text not a string
                "{\"id\":\"g\",\"body\":\"two values\"} {\"x\":1}",               // 13 trailing JSON
                "{\"id\":\"h\",\"body\":\"kept\",\"text\":\"clash\"}",           // 14 would lose 'text'
                "{\"id\":\"i\",\"body\":\"with CRLF\"}\r");                      // 15 good
        for (final String line : lines) {
            bytes.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            bytes.write('\n');
        }
        bytes.writeBytes("{\"id\":\"j\",\"body\":\"caf".getBytes(StandardCharsets.UTF_8));   // 16 not UTF-8
        bytes.write(0xC3);
        bytes.write(0xFF);
        bytes.writeBytes("\"}\n{\"id\":\"k\",\"body\":\"last line, no line break\"}".getBytes(StandardCharsets.UTF_8)); // 17 good
        final Path file = Files.write(tmp.resolve("mixed.jsonl"), bytes.toByteArray());

        final CorpusFile corpus = CorpusFile.read(file, ID_BODY, Provider.SAGEMAKER);

        assertEquals(List.of(file + ":2: not JSON",
                        file + ":4: no text field 'body'",
                        file + ":5: text field 'body' is empty",
                        file + ":6: text field 'body' is blank (only white space)",
                        file + ":7: id 'a' repeats the record on line 1 (the first one is kept)",
                        file + ":8: text field 'body' has 50,001 characters, more than the 50,000 sagemaker takes",
                        file + ":9: not a JSON object but an array",
                        file + ":10: no id field 'id'",
                        file + ":12: text field 'body' is a number, not a string",
                        file + ":13: not JSON",
                        file + ":14: has a field 'text' besides the text field 'body' (--text-field): the pipelines' text would replace it",
                        file + ":16: not valid UTF-8"),
                corpus.problems().stream().map(CorpusFileTest::withoutParserDetail).toList());
        assertTrue(corpus.problems().get(0).message().startsWith("not JSON: Unrecognized token 'not'"), corpus.problems().get(0).message());
        assertTrue(corpus.problems().get(9).message().startsWith("not JSON: Trailing token"), corpus.problems().get(9).message());
        assertEquals(List.of(1L, 11L, 15L, 17L), corpus.records().stream().map(CorpusFile.Record::line).toList());
        assertEquals(16, corpus.recordsIn(), "good and bad records; the blank line is none");
        assertEquals(1, corpus.blankLines());
        assertEquals(11L, corpus.lineOf("7"));

        final JsonNode first = JSON.readTree(corpus.records().get(0).json());
        assertEquals("{\"_id\":\"a\",\"text\":\"the first passage\",\"lang\":\"en\"}", first.toString(),
                "id and text under the pipelines' names, the other fields kept");
        assertEquals(7, JSON.readTree(corpus.records().get(1).json()).path("_id").asInt(), "an integer id stays a number");
        assertEquals("with CRLF", JSON.readTree(corpus.records().get(2).json()).path("text").asText());
    }

    /** "file:line: not JSON" without the parser's own words, which the test checks apart. */
    private static String withoutParserDetail(final CorpusFile.Problem p) {
        return p.message().startsWith("not JSON: ") ? p.file() + ":" + p.line() + ": not JSON" : p.toString();
    }

    @Test
    void csvWithAHeaderRowMapsColumnsAndNamesBadRowsWithTheirLine() throws IOException {
        final Path file = Files.writeString(tmp.resolve("docs.csv"), """
                id,body,source
                1,"a passage, with a comma",wiki
                2,,wiki
                3,"a passage over
                two lines",book
                1,the same id again,wiki
                4,too,many,columns
                5,a fifth passage,web
                """);

        final CorpusFile corpus = CorpusFile.read(file, ID_BODY, Provider.BEDROCK);

        assertEquals(List.of(file + ":3: text field 'body' is empty",
                        file + ":6: id '1' repeats the record on line 2 (the first one is kept)",
                        file + ":7: 4 columns where the header (line 1) has 3"),
                corpus.problems().stream().map(CorpusFile.Problem::toString).toList());
        assertEquals(List.of(2L, 4L, 8L), corpus.records().stream().map(CorpusFile.Record::line).toList());
        assertEquals("{\"_id\":\"3\",\"text\":\"a passage over\\ntwo lines\",\"source\":\"book\"}",
                JSON.readTree(corpus.records().get(1).json()).toString());
    }

    @Test
    void aCsvHeaderWithoutTheTextColumnIsOneProblemForTheWholeFile() throws IOException {
        final Path file = Files.writeString(tmp.resolve("docs.csv"), "id,content\n1,hello\n");
        final CorpusFile corpus = CorpusFile.read(file, ID_BODY, Provider.SAGEMAKER);
        assertEquals(List.of(file + ":1: header row has no text column 'body' (--text-field); its columns: [id, content]"),
                corpus.problems().stream().map(CorpusFile.Problem::toString).toList());
        assertTrue(corpus.records().isEmpty());
    }

    @Test
    void theDefaultFieldsAreThePipelinesOwnAndAMissingIdSaysHowToNameIt() throws IOException {
        final Path file = Files.writeString(tmp.resolve("plain.jsonl"), "{\"_id\":\"x\",\"text\":\"fine\"}\n{\"id\":\"y\",\"text\":\"no _id\"}\n");
        final CorpusFile corpus = CorpusFile.read(file, CorpusFile.Fields.DEFAULT, Provider.SAGEMAKER);
        assertEquals(List.of(file + ":2: no id field '_id' (name yours with --id-field)"),
                corpus.problems().stream().map(CorpusFile.Problem::toString).toList());
        assertEquals("{\"_id\":\"x\",\"text\":\"fine\"}", new String(corpus.records().get(0).json(), StandardCharsets.UTF_8));
    }

    @Test
    void fieldsThePipelinesWriteThemselvesAreRefusedPerProvider() throws IOException {
        final Path file = Files.writeString(tmp.resolve("own.jsonl"), """
                {"_id":"1","text":"a","recordId":"r-7"}
                {"_id":"2","text":"b","SageMakerOutput":[0.1]}
                {"_id":"3","text":"c","text_embedding":[0.2]}
                """);
        assertEquals(List.of(file + ":2: has a field 'SageMakerOutput', which the sagemaker pipelines write themselves",
                        file + ":3: has a field 'text_embedding', which the pipelines write themselves"),
                CorpusFile.read(file, CorpusFile.Fields.DEFAULT, Provider.SAGEMAKER).problems().stream().map(CorpusFile.Problem::toString).toList());
        assertEquals(List.of(file + ":1: has a field 'recordId', which the bedrock pipelines write themselves",
                        file + ":3: has a field 'text_embedding', which the pipelines write themselves"),
                CorpusFile.read(file, CorpusFile.Fields.DEFAULT, Provider.BEDROCK).problems().stream().map(CorpusFile.Problem::toString).toList());
    }

    @Test
    void cohereKeepsItsOwnIdFieldYetTakesARecordWhoseIdFieldIsNamedId() throws IOException {
        final Path file = Files.writeString(tmp.resolve("cohere.jsonl"), """
                {"_id":"1","text":"a","id":"x-7"}
                {"_id":"2","text":"b","custom_id":"c"}
                """);
        assertEquals(List.of(file + ":1: has a field 'id', which the cohere pipelines write themselves"),
                CorpusFile.read(file, CorpusFile.Fields.DEFAULT, Provider.COHERE).problems().stream().map(CorpusFile.Problem::toString).toList());
        assertEquals(List.of(file + ":2: has a field 'custom_id', which the openai pipelines write themselves"),
                CorpusFile.read(file, CorpusFile.Fields.DEFAULT, Provider.OPENAI).problems().stream().map(CorpusFile.Problem::toString).toList());
        final Path idBody = Files.writeString(tmp.resolve("cohere-id.jsonl"), "{\"id\":\"a\",\"body\":\"the first passage\"}\n");
        final CorpusFile corpus = CorpusFile.read(idBody, ID_BODY, Provider.COHERE);
        assertEquals(List.of(), corpus.problems(), "--id-field id is renamed to _id, so it does not clash with Cohere's id");
        assertEquals(1, corpus.records().size());
    }

    @Test
    void aMissingFileIsNamed() {
        final Path missing = tmp.resolve("nope.jsonl");
        final NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> CorpusFile.read(missing, CorpusFile.Fields.DEFAULT, Provider.SAGEMAKER));
        assertEquals(missing.toString(), e.getFile());
        assertEquals("no such file", e.getReason());
    }
}
