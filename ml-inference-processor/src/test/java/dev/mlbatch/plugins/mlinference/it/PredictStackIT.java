package dev.mlbatch.plugins.mlinference.it;

import dev.mlbatch.plugins.mlinference.MLProcessor;
import dev.mlbatch.stack.LocalStack;
import dev.mlbatch.stack.LocalStackExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.JacksonEvent;
import org.opensearch.dataprepper.model.record.Record;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real-time mode against ML Commons' _predict on the local SageMaker endpoint (DJL all-MiniLM-L6-v2). */
@ExtendWith(LocalStackExtension.class)
class PredictStackIT {
    @TempDir
    Path state;
    private StackRun run;

    @BeforeEach
    void start(final LocalStack stack) {
        run = new StackRun(stack, state);
    }

    @AfterEach
    void stop() {
        run.close();
    }

    @Test
    void embeddingsAreWrittenToOutputKeyAndOnlyBadEventsFail() {
        final MLProcessor processor = run.processor(run.baseYaml("sagemaker", run.stack.sageMakerRealtimeModelId())
                .replace("output_path: \"s3://" + run.bucket() + "/" + run.run + "/sagemaker/output\"\n", "")
                + "action_type: predict\ninput_key: /text\noutput_key: /embedding\nmax_batch_size: 3\n");
        final List<Event> events = new ArrayList<>();
        for (final String text : List.of("what color is amber urine", "urine color meaning", "manhattan project impact", "a cat", "a dog")) {
            events.add(JacksonEvent.builder().withEventType("event").withData(Map.of("text", text)).build());
        }
        events.add(JacksonEvent.builder().withEventType("event").withData(Map.of("title", "no text here")).build());
        final Collection<Record<Event>> out = processor.execute(events.stream().map(Record::new).toList());
        assertEquals(6, out.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(384, events.get(i).getList("/embedding", Double.class).size(), events.get(i).toJsonString());
        }
        assertTrue(events.get(5).getMetadata().getTags().contains("ml_failed"));
        final double related = cosine(events.get(0), events.get(1));
        final double unrelated = cosine(events.get(0), events.get(2));
        assertTrue(related > unrelated + 0.3, "related " + related + " vs unrelated " + unrelated);
    }

    private static double cosine(final Event a, final Event b) {
        final List<Double> x = a.getList("/embedding", Double.class);
        final List<Double> y = b.getList("/embedding", Double.class);
        double dot = 0, nx = 0, ny = 0;
        for (int i = 0; i < x.size(); i++) {
            dot += x.get(i) * y.get(i);
            nx += x.get(i) * x.get(i);
            ny += y.get(i) * y.get(i);
        }
        return dot / Math.sqrt(nx * ny);
    }
}
