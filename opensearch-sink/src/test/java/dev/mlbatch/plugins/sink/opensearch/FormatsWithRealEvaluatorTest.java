package dev.mlbatch.plugins.sink.opensearch;

import dev.mlbatch.expression.GrammarExpressionEvaluator;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.model.event.DefaultEventKeyFactory;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;
import org.opensearch.dataprepper.model.sink.SinkContext;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** index / document_id / action formats with the project's real expression evaluator. */
class FormatsWithRealEvaluatorTest {
    private final ExpressionEvaluator evaluator = new GrammarExpressionEvaluator(new DefaultEventKeyFactory());

    private static OpenSearchSinkConfig config(final Map<String, Object> overrides) {
        final Map<String, Object> settings = new HashMap<>(Map.of("hosts", List.of("http://127.0.0.1:9"), "index", "x"));
        settings.putAll(overrides);
        return TestConfigs.bind(settings);
    }

    @Test
    void pointersExpressionsAndDatesAreResolvedPerEvent() {
        final BulkTargetResolver resolver = new BulkTargetResolver(config(Map.of(
                "index", "vectors-${/model}-%{yyyy.MM}", "document_id", "${/source/key}-${getMetadata(\"line\")}",
                "action", "${/op}")), evaluator, Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC));
        final JacksonEvent event = JacksonEvent.builder().withEventType("event")
                .withData(Map.of("model", "minilm", "source", Map.of("key", "a.jsonl"), "op", "upsert"))
                .withEventMetadataAttributes(Map.of("line", 7)).build();
        final BulkTarget target = resolver.resolve(event);
        assertEquals("vectors-minilm-2026.03", target.index());
        assertEquals("a.jsonl-7", target.documentId());
        assertEquals(BulkAction.UPSERT, target.action());
    }

    @Test
    void anInvalidFormatIsAConfigurationErrorNamingTheKey() {
        final InvalidPluginConfigurationException e = assertThrows(InvalidPluginConfigurationException.class,
                () -> new OpenSearchSink(TestEvents.setting("formats"), config(Map.of("document_id", "${/a ==}")),
                        new SinkContext(null), evaluator, null));
        assertTrue(e.getMessage().contains("document_id '${/a ==}'"), e.getMessage());
    }
}
