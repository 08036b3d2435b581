package dev.mlbatch.stack.ml;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The price file: shipped defaults, a user's overrides, and bad files named with file, line and key. */
class PriceTableTest {

    @Test
    void theShippedDefaultsParseAndCarryTheirDate() {
        PriceTable defaults = PriceTable.defaults();
        assertTrue(defaults.perInstanceHour("ml.m5.xlarge").isPresent());
        assertTrue(defaults.per1kInputTokens("bedrock", "amazon.titan-embed-text-v2:0").isPresent());
        assertTrue(defaults.asOf().isPresent());
        assertTrue(defaults.source().contains("built-in"));
    }

    @Test
    void aUserFileReplacesTheEntriesItNamesAndKeepsTheOthers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, "{\n  \"as_of\": \"2027-01-01\",\n  \"sagemaker\": {\"per_instance_hour\": {\"ml.m5.xlarge\": 1.5, \"ml.p3.2xlarge\": 3}}\n}\n");
        PriceTable table = PriceTable.load(file);
        assertEquals(1.5, table.perInstanceHour("ml.m5.xlarge").getAsDouble());
        assertEquals(3.0, table.perInstanceHour("ml.p3.2xlarge").getAsDouble());
        assertEquals(PriceTable.defaults().per1kInputTokens("bedrock", "amazon.titan-embed-text-v2:0"),
                table.per1kInputTokens("bedrock", "amazon.titan-embed-text-v2:0"));
        assertEquals("2027-01-01", table.asOf().orElseThrow());
        assertTrue(table.source().startsWith(file + " over the shipped examples"), table.source());
        Files.writeString(file, "{\"sagemaker\": {\"per_instance_hour\": {\"ml.m5.xlarge\": 1.5}}}");
        assertTrue(PriceTable.load(file).asOf().isEmpty(), "a file without as_of has no date of its own");
    }

    @Test
    void theStateFoldersFileIsUsedWhenNoFileIsGiven(@TempDir Path dir) throws Exception {
        assertTrue(PriceTable.choose(null, dir).source().contains("built-in"));
        Files.writeString(dir.resolve("prices.json"), "{\"openai\": {\"per_1k_input_tokens\": {\"text-embedding-3-small\": 0.5}}}");
        assertEquals(0.5, PriceTable.choose(null, dir).per1kInputTokens("openai", "text-embedding-3-small").getAsDouble());
        assertTrue(assertThrows(PriceTable.Invalid.class, () -> PriceTable.choose(dir.resolve("nope.json"), dir))
                .getMessage().contains("nope.json: price file not found"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown provider      | {\\n \"sagmaker\": {}\\n}                                                  | p.json:2: key 'sagmaker': unknown key",
        "wrong unit            | {\\n \"bedrock\": {\\n  \"per_instance_hour\": {}}}                          | p.json:3: key 'bedrock.per_instance_hour': unknown key; bedrock prices are under per_1k_input_tokens",
        "price as a string     | {\"sagemaker\": {\"per_instance_hour\": {\\n\"ml.m5.xlarge\": \"0.23\"}}}   | p.json:2: key 'sagemaker.per_instance_hour.ml.m5.xlarge': must be a number of US dollars, got the string \"0.23\"",
        "negative price        | {\"cohere\": {\"per_1k_input_tokens\": {\"embed-english-v3.0\": -1}}}     | p.json:1: key 'cohere.per_1k_input_tokens.embed-english-v3.0': must be 0 or more, got -1",
        "provider not object   | {\"openai\": 0.1}                                                          | p.json:1: key 'openai': must be an object, got 0.1",
        "list of prices        | {\"openai\": {\"per_1k_input_tokens\": [1]}}                               | p.json:1: key 'openai.per_1k_input_tokens': must be an object, got a list",
        "not json              | {\\n\\n \"bedrock\": {,}}                                                  | p.json:3:",
        "duplicate key         | {\"bedrock\": {\"per_1k_input_tokens\": {\"m\": 1,\\n \"m\": 2}}}             | p.json:2:",
        "top level list        | []                                                                       | p.json:1: a price file is one JSON object",
        "as_of not a string    | {\"as_of\": 2026}                                                          | p.json:1: key 'as_of': must be a string",
        "empty model           | {\"bedrock\": {\"per_1k_input_tokens\": {\"\": 1}}}                         | p.json:1: key 'bedrock.per_1k_input_tokens.': the model or instance type is empty",
        "trailing text         | {} {}                                                                    | p.json:1: text after the price object",
    })
    void aBadFileIsRefusedNamingFileLineAndKey(String name, String text, String expected) {
        PriceTable.Invalid e = assertThrows(PriceTable.Invalid.class,
                () -> PriceTable.parse(text.replace("\\n", "\n"), "p.json"));
        assertTrue(e.getMessage().startsWith(expected.trim()), name + ": " + e.getMessage());
    }
}
