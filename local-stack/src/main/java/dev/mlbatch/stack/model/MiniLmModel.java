package dev.mlbatch.stack.model;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.output.Response;

import java.util.List;

/**
 * all-MiniLM-L6-v2 (384 dimensions, L2-normalised), loaded once per JVM and shared by every job and
 * real-time call. The ONNX session is thread-safe and already uses every core per call.
 */
public final class MiniLmModel {

    public static final int DIMENSIONS = 384;

    /** One embedding and the number of tokens the model read (without [CLS]/[SEP]). */
    public record Embedded(float[] vector, int tokens) {
    }

    private final AllMiniLmL6V2EmbeddingModel model;

    public MiniLmModel() {
        this.model = new AllMiniLmL6V2EmbeddingModel();
    }

    /** @throws IllegalArgumentException for a blank text, which the model cannot embed */
    public Embedded embed(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text is blank");
        }
        Response<List<Embedding>> response = model.embedAll(List.of(TextSegment.from(text)));
        Integer tokens = response.tokenUsage() == null ? null : response.tokenUsage().inputTokenCount();
        return new Embedded(response.content().get(0).vector(), tokens == null ? 0 : tokens);
    }

    /** The model as langchain4j exposes it, for callers that want to bypass the service (benchmarks). */
    public AllMiniLmL6V2EmbeddingModel langchain4jModel() {
        return model;
    }
}
