package dev.mlbatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.runtime.DataPrepperRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** file → copy_values → delete_entries → routes → two file sinks, through the runtime, checked line by line. */
class StandardPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void routesSplitTheShapedEventsBetweenTwoFileSinks() throws Exception {
        final Path input = dir.resolve("input.jsonl");
        final List<String> lines = new ArrayList<>();
        for (int n = 0; n < 200; n++) {
            lines.add("{\"_id\":\"doc-" + n + "\",\"content\":[{\"text\":\"passage " + n + "\"},{\"text\":\"second\"}],"
                    + "\"meta\":{\"lang\":\"" + (n % 4 == 0 ? "de" : "en") + "\",\"score\":" + n + "},\"tmp\":1}");
        }
        Files.write(input, lines);
        final Path english = dir.resolve("english.jsonl");
        final Path other = dir.resolve("other.jsonl");
        final Path pipelines = dir.resolve("pipelines.yaml");
        Files.writeString(pipelines, """
                version: "2"
                shape:
                  delay: 10
                  source:
                    file:
                      path: "%s"
                      format: json
                  processor:
                    - copy_values:
                        entries:
                          - from_key: /content/0/text
                            to_key: text
                          - from_key: /meta/lang
                            to_key: lang
                          - from_key: /meta/score
                            to_key: high
                            copy_when: '/meta/score >= 150'
                    - delete_entries:
                        with_keys: [tmp, /content/1]
                    - delete_entries:
                        with_keys_regex: ["^me.*"]
                  route:
                    - english: '/lang == "en"'
                  sink:
                    - file:
                        path: "%s"
                        routes: [english]
                    - file:
                        path: "%s"
                        routes: [_default]
                """.formatted(input, english, other));
        final DataPrepperRuntime runtime = DataPrepperRuntime.builder().pipelines(pipelines).envFile(null).build();
        runtime.start();
        assertTrue(runtime.awaitFinished(Duration.ofSeconds(60)));
        runtime.shutdown();

        final List<String> englishLines = Files.readAllLines(english);
        final List<String> otherLines = Files.readAllLines(other);
        assertEquals(150, englishLines.size());
        assertEquals(50, otherLines.size());
        for (final String line : englishLines) {
            final JsonNode doc = JSON.readTree(line);
            assertEquals("en", doc.get("lang").asText());
            assertShaped(doc);
        }
        for (final String line : otherLines) {
            final JsonNode doc = JSON.readTree(line);
            assertEquals("de", doc.get("lang").asText());
            assertShaped(doc);
        }
        final JsonNode doc199 = JSON.readTree(englishLines.stream().filter(l -> l.contains("\"doc-199\"")).findFirst().orElseThrow());
        assertEquals("{\"_id\":\"doc-199\",\"content\":[{\"text\":\"passage 199\"}],\"text\":\"passage 199\",\"lang\":\"en\",\"high\":199}",
                doc199.toString());
    }

    private static void assertShaped(final JsonNode doc) {
        final int n = Integer.parseInt(doc.get("_id").asText().substring(4));
        assertEquals("passage " + n, doc.get("text").asText());
        assertEquals(1, doc.get("content").size(), "array element /content/1 deleted");
        assertTrue(doc.get("meta") == null && doc.get("tmp") == null, doc.toString());
        assertEquals(n >= 150, doc.has("high"), doc.toString());
    }
}
