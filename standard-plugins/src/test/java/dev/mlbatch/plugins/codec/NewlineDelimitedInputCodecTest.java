package dev.mlbatch.plugins.codec;

import dev.mlbatch.plugins.testing.ConfigBinding;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NewlineDelimitedInputCodecTest {

    private static NewlineDelimitedInputCodec codec(final Map<String, Object> settings) {
        return new NewlineDelimitedInputCodec(ConfigBinding.bindValid(settings, NewlineDelimitedInputCodecConfig.class));
    }

    @Test
    void binds_and_validates_its_options() {
        final NewlineDelimitedInputCodecConfig config = ConfigBinding.bindValid(Map.of("skip_lines", 2, "header_destination", "hdr"),
                NewlineDelimitedInputCodecConfig.class);
        assertEquals(2, config.getSkipLines());
        assertEquals("hdr", config.getHeaderDestination());
        assertEquals(0, ConfigBinding.bindValid(Map.of(), NewlineDelimitedInputCodecConfig.class).getSkipLines());
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of("skip_lines", -1), NewlineDelimitedInputCodecConfig.class))
                .contains("skip_lines must be 0 or more"));
        assertTrue(ConfigBinding.violations(ConfigBinding.bind(Map.of("header_destination", ""), NewlineDelimitedInputCodecConfig.class))
                .contains("header_destination must not be empty; remove the key to read no header"));
    }

    @Test
    void each_line_becomes_a_message_including_empty_lines() throws IOException {
        final CodecRun run = CodecRun.withHandler(codec(Map.of()), "first\r\n\nthird \"quoted\"\n");
        assertEquals(List.of("{\"message\":\"first\"}", "{\"message\":\"\"}", "{\"message\":\"third \\\"quoted\\\"\"}"), run.json);
        assertTrue(run.malformed.isEmpty());
        assertNull(run.thrown);
    }

    @Test
    void skip_lines_then_header_destination() throws IOException {
        final CodecRun run = CodecRun.withHandler(codec(Map.of("skip_lines", 1, "header_destination", "header")),
                "# comment\nid,name\n1,a\n2,b");
        assertEquals(2, run.events.size());
        assertEquals("id,name", run.events.get(0).get("header", String.class));
        assertEquals("1,a", run.events.get(0).get("message", String.class));
        assertEquals("2,b", run.events.get(1).get("message", String.class));
    }

    @Test
    void skipping_more_lines_than_exist_yields_nothing() throws IOException {
        assertEquals(List.of(), CodecRun.withHandler(codec(Map.of("skip_lines", 5)), "a\nb").json);
    }
}
