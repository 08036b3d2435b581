package dev.mlbatch.plugins.codec;

import dev.mlbatch.plugins.testing.ConfigBinding;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvInputCodecTest {

    private static CsvInputCodec codec(final Map<String, Object> settings) {
        return new CsvInputCodec(ConfigBinding.bindValid(settings, CsvInputCodecConfig.class));
    }

    @Test
    void binds_and_validates_its_options() {
        final CsvInputCodecConfig config = ConfigBinding.bindValid(Map.of("delimiter", ";", "quote_character", "'",
                "header", List.of("a", "b"), "detect_header", false), CsvInputCodecConfig.class);
        assertEquals(";", config.getDelimiter());
        assertEquals("'", config.getQuoteCharacter());
        assertEquals(List.of("a", "b"), config.getHeader());
        assertFalse(config.isDetectHeader());
        assertTrue(ConfigBinding.bindValid(Map.of(), CsvInputCodecConfig.class).isDetectHeader());
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of("delimiter", ";;"), CsvInputCodecConfig.class))
                .contains("delimiter must be exactly one character"));
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of("delimiter", "\""), CsvInputCodecConfig.class))
                .contains("delimiter and quote_character must be different characters"));
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of("header", List.of("a")), CsvInputCodecConfig.class))
                .stream().anyMatch(m -> m.startsWith("header is only used with detect_header: false")));
    }

    @Test
    void uses_the_first_row_as_header_and_names_extra_columns() throws IOException {
        final CodecRun run = CodecRun.withHandler(codec(Map.of()), "id,text\n1,\"a, quoted\nvalue\"\n\n2,b,extra\n3\n");
        assertEquals(List.of("{\"id\":\"1\",\"text\":\"a, quoted\\nvalue\"}", "{\"id\":\"2\",\"text\":\"b\",\"column3\":\"extra\"}",
                "{\"id\":\"3\"}"), run.json);
    }

    @Test
    void uses_the_configured_header_or_column_numbers_without_detection() throws IOException {
        assertEquals(List.of("{\"x\":\"1\",\"column2\":\"2\"}"),
                CodecRun.withHandler(codec(Map.of("detect_header", false, "header", List.of("x"))), "1,2").json);
        assertEquals(List.of("{\"column1\":\"1\",\"column2\":\"2\"}"),
                CodecRun.withHandler(codec(Map.of("detect_header", false)), "1,2").json);
        assertEquals(List.of("{\"a\":\"1\",\"b\":\"x;y\"}"),
                CodecRun.withHandler(codec(Map.of("delimiter", ";", "quote_character", "'")), "a;b\n1;'x;y'").json);
    }

    @Test
    void an_unterminated_quote_stops_parsing_and_says_where() throws IOException {
        final CodecRun run = CodecRun.plain(codec(Map.of()), "a,b\n1,2\n3,\"open\n");
        assertEquals(List.of("{\"a\":\"1\",\"b\":\"2\"}"), run.json);
        assertFalse(run.thrown.isInputFullyRead());
        assertTrue(run.thrown.getMalformedRecords().get(0).getLineNumber() >= 3, run.thrown.getMessage());
    }
}
