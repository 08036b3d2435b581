package dev.mlbatch.stack.model;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MiniLmModelTest {

    private static MiniLmModel model;

    @BeforeAll
    static void load() {
        model = new MiniLmModel();
    }

    /** {@code 2 × pairs} words that are one word piece each: "prefix river prefix stone ...". */
    private static String words(final String prefix, final int pairs) {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < pairs; i++) {
            text.append(i == 0 ? "" : " ").append(prefix).append(i % 2 == 0 ? " river" : " stone");
        }
        return text.toString();
    }

    @Test
    void shortTextsEmbedAsLangchain4jsEncoderDoes() {
        // Below 128 tokens the library's encoder is the same model with the same pooling: a check that ours is.
        final AllMiniLmL6V2EmbeddingModel library = new AllMiniLmL6V2EmbeddingModel();
        for (final String text : new String[]{"he gave a howl of pain", "a deep hole in the ground", "x"}) {
            final float[] ours = model.embed(text).vector();
            final float[] theirs = library.embed(text).content().vector();
            assertEquals(1.0, cosine(ours, theirs), 1e-5, text);
            assertEquals(1.0, cosine(ours, ours), 1e-5, "normalised");
        }
    }

    @Test
    void readsTwoHundredFiftySixTokensLikeTheReferenceModel() {
        final String longText = words("the", 200);
        assertEquals(MiniLmModel.MAX_SEQUENCE_LENGTH - 2, model.tokens(longText));
        assertEquals(MiniLmModel.MAX_SEQUENCE_LENGTH - 2, model.embed(longText).tokens());
        assertEquals(6, model.embed("a deep hole in the ground").tokens());

        // Texts that differ only in word pieces 141-200: the model reads the difference.
        final String head = words("the", 70);
        final float[] a = model.embed(head + " " + words("bright", 30)).vector();
        final float[] b = model.embed(head + " " + words("dark", 30)).vector();
        assertTrue(cosine(a, b) < 0.999, "a difference in word pieces 141-200 changes the vector: " + cosine(a, b));

        // Texts that differ only after word piece 254: the model never sees it.
        final String first = words("the", 130);
        assertArrayEquals(model.embed(first + " bright").vector(), model.embed(first + " dark").vector());
    }

    private static double cosine(final float[] a, final float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
