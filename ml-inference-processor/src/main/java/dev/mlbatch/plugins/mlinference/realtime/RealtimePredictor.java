package dev.mlbatch.plugins.mlinference.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlbatch.plugins.mlinference.EventFailureHandler;
import dev.mlbatch.plugins.mlinference.EventFailureHandler.Failure;
import dev.mlbatch.plugins.mlinference.MLProcessorMetrics;
import dev.mlbatch.plugins.mlinference.batch.FailureClassifier;
import dev.mlbatch.plugins.mlinference.batch.FailureKind;
import dev.mlbatch.plugins.mlinference.client.MlCommonsClient;
import dev.mlbatch.plugins.mlinference.client.MlCommonsException;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventKey;
import org.opensearch.dataprepper.model.record.Record;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real-time mode ({@code action_type: predict}): one {@code _predict} call per up to max_batch_size
 * events, {@code {"parameters": {"<input_parameter>": [texts...], ...parameters}}}, each embedding written
 * to {@code output_key}. A failed call fails only the events in it; throttling and 5xx are retried
 * briefly (the pipeline waits on this call) before they count as failures.
 */
public final class RealtimePredictor {
    private static final int ATTEMPTS = 3;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);

    private final MlCommonsClient client;
    private final String modelId;
    private final EventKey inputKey;
    private final EventKey outputKey;
    private final String inputParameter;
    private final Map<String, Object> parameters;
    private final int maxBatchSize;
    private final FailureClassifier classifier;
    private final EmbeddingExtractor extractor = new EmbeddingExtractor();
    private final EventFailureHandler failures;
    private final MLProcessorMetrics metrics;
    private final ObjectMapper mapper;

    public RealtimePredictor(final MlCommonsClient client, final String modelId, final EventKey inputKey, final EventKey outputKey,
                             final String inputParameter, final Map<String, Object> parameters, final int maxBatchSize,
                             final FailureClassifier classifier, final EventFailureHandler failures,
                             final MLProcessorMetrics metrics, final ObjectMapper mapper) {
        this.client = client;
        this.modelId = modelId;
        this.inputKey = inputKey;
        this.outputKey = outputKey;
        this.inputParameter = inputParameter;
        this.parameters = parameters;
        this.maxBatchSize = maxBatchSize;
        this.classifier = classifier;
        this.failures = failures;
        this.metrics = metrics;
        this.mapper = mapper;
    }

    public List<Record<Event>> predict(final List<Event> events) {
        final List<Record<Event>> out = new ArrayList<>();
        final List<Failure> failed = new ArrayList<>();
        final List<Event> batch = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        for (final Event event : events) {
            final Object value = event.get(inputKey, Object.class);
            if (!(value instanceof String) || ((String) value).isBlank()) {
                failed.add(Failure.of(event, null, 400, value == null
                        ? "event has no text at input_key '" + inputKey.getKey() + "'"
                        : "input_key '" + inputKey.getKey() + "' holds " + (value instanceof String ? "blank text" : "a " + value.getClass().getSimpleName() + ", not text")));
                continue;
            }
            batch.add(event);
            texts.add((String) value);
            if (batch.size() == maxBatchSize) {
                call(batch, texts, out, failed);
                batch.clear();
                texts.clear();
            }
        }
        if (!batch.isEmpty()) {
            call(batch, texts, out, failed);
        }
        metrics.recordsFailedInPredict().increment(failed.size());
        out.addAll(failures.handle(failed));
        return out;
    }

    private void call(final List<Event> batch, final List<String> texts, final List<Record<Event>> out, final List<Failure> failed) {
        final ObjectNode body = mapper.createObjectNode();
        final ObjectNode params = body.putObject("parameters");
        final ArrayNode input = params.putArray(inputParameter);
        texts.forEach(input::add);
        parameters.forEach((name, value) -> params.set(name, mapper.valueToTree(value)));
        int status = 500;
        String reason = "no attempt made";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                final JsonNode answer = client.predict(modelId, body);
                final List<List<Double>> vectors = extractor.extract(answer, batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).put(outputKey, vectors.get(i));
                    out.add(new Record<>(batch.get(i)));
                }
                metrics.predictRequestsSucceeded().increment();
                metrics.recordsSucceededInPredict().increment(batch.size());
                return;
            } catch (final EmbeddingExtractor.UnexpectedAnswerException e) {
                status = 502;
                reason = e.getMessage();
                break;
            } catch (final MlCommonsException e) {
                status = e.isConnectionFailure() ? 503 : e.status();
                reason = e.getMessage();
                final FailureKind kind = classifier.classify(e);
                if (kind != FailureKind.THROTTLED && kind != FailureKind.TRANSIENT) {
                    break;
                }
                if (attempt < ATTEMPTS) {
                    pause(FIRST_PAUSE.multipliedBy(1L << (attempt - 1)));
                }
            }
        }
        metrics.predictRequestsFailed().increment();
        for (final Event event : batch) {
            failed.add(Failure.of(event, null, status, "_predict failed: " + reason));
        }
    }

    private static void pause(final Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
