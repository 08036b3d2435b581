package dev.mlbatch.stack.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 (384 dimensions, L2-normalised) as sentence-transformers runs it: the text is cut at
 * {@value #MAX_SEQUENCE_LENGTH} tokens ([CLS] and [SEP] included), the token embeddings are mean-pooled over the
 * attention mask and the mean is L2-normalised. Loaded once per JVM and shared by every job and real-time call,
 * batch and real-time alike, so both paths embed a text the same way.
 *
 * <p>The ONNX model and tokenizer are the ones langchain4j packages, but not langchain4j's encoder: its tokenizer
 * file cuts every text at 128 tokens (and it averages 510-token windows beyond that), where the reference model
 * reads 256. The ONNX session is thread-safe and already uses every core per call.
 */
public final class MiniLmModel {

    public static final int DIMENSIONS = 384;
    /** sentence-transformers' {@code max_seq_length} for this model. */
    public static final int MAX_SEQUENCE_LENGTH = 256;

    private static final String MODEL_RESOURCE = "/all-minilm-l6-v2.onnx";
    private static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

    /** One embedding and the number of tokens the model read (without [CLS]/[SEP]). */
    public record Embedded(float[] vector, int tokens) {
    }

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;

    public MiniLmModel() {
        try {
            environment = OrtEnvironment.getEnvironment();
            session = environment.createSession(resource(MODEL_RESOURCE), new OrtSession.SessionOptions());
            try (InputStream json = MiniLmModel.class.getResourceAsStream(TOKENIZER_RESOURCE)) {
                if (json == null) {
                    throw new IllegalStateException(TOKENIZER_RESOURCE + " is not on the class path");
                }
                // These options replace the file's own truncation (128) and fixed padding (128).
                tokenizer = HuggingFaceTokenizer.newInstance(json, Map.of(
                        "maxLength", Integer.toString(MAX_SEQUENCE_LENGTH),
                        "modelMaxLength", Integer.toString(MAX_SEQUENCE_LENGTH),
                        "truncation", "true",
                        "padding", "false"));
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("could not load all-MiniLM-L6-v2", e);
        } catch (final OrtException e) {
            throw new IllegalStateException("could not load all-MiniLM-L6-v2 into ONNX Runtime", e);
        }
    }

    /** @throws IllegalArgumentException for a blank text, which the model cannot embed */
    public Embedded embed(final String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text is blank");
        }
        final Encoding encoding = tokenizer.encode(text);
        final long[] ids = encoding.getIds();
        final long[] mask = encoding.getAttentionMask();
        try (OnnxTensor inputIds = OnnxTensor.createTensor(environment, new long[][]{ids});
             OnnxTensor attentionMask = OnnxTensor.createTensor(environment, new long[][]{mask});
             OnnxTensor typeIds = OnnxTensor.createTensor(environment, new long[][]{encoding.getTypeIds()});
             OrtSession.Result result = session.run(Map.of("input_ids", inputIds, "attention_mask", attentionMask,
                     "token_type_ids", typeIds))) {
            final float[][] tokenEmbeddings = ((float[][][]) result.get(0).getValue())[0];
            return new Embedded(normalised(meanPooled(tokenEmbeddings, mask)), ids.length - 2);
        } catch (final OrtException e) {
            throw new IllegalStateException("all-MiniLM-L6-v2 failed on a text of " + ids.length + " tokens", e);
        }
    }

    /** The word pieces the model reads of {@code text}, at most {@value #MAX_SEQUENCE_LENGTH} - 2. */
    public int tokens(final String text) {
        return tokenizer.encode(text).getIds().length - 2;
    }

    private static float[] meanPooled(final float[][] tokenEmbeddings, final long[] mask) {
        final float[] sum = new float[DIMENSIONS];
        int counted = 0;
        for (int t = 0; t < tokenEmbeddings.length; t++) {
            if (mask[t] != 0) {
                counted++;
                for (int d = 0; d < DIMENSIONS; d++) {
                    sum[d] += tokenEmbeddings[t][d];
                }
            }
        }
        for (int d = 0; d < DIMENSIONS; d++) {
            sum[d] /= counted;
        }
        return sum;
    }

    private static float[] normalised(final float[] v) {
        double norm = 0;
        for (final float x : v) {
            norm += x * x;
        }
        final double scale = 1.0 / Math.max(Math.sqrt(norm), 1e-12);
        for (int d = 0; d < v.length; d++) {
            v[d] = (float) (v[d] * scale);
        }
        return v;
    }

    private static byte[] resource(final String name) throws IOException {
        try (InputStream in = MiniLmModel.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the class path");
            }
            return in.readAllBytes();
        }
    }
}
