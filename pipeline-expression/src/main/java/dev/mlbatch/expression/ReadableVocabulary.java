package dev.mlbatch.expression;

import org.antlr.v4.runtime.Vocabulary;
import org.antlr.v4.runtime.VocabularyImpl;

import java.util.Map;

/**
 * Token names as users write them, for "expecting ..." in syntax errors: keyword tokens carry their surrounding
 * whitespace in the grammar and would otherwise show as AND, NOT_IN_SET, ...
 */
final class ReadableVocabulary {
    static final Vocabulary INSTANCE = build();

    private ReadableVocabulary() {
    }

    private static Vocabulary build() {
        final Vocabulary generated = DataPrepperExpressionParser.VOCABULARY;
        final Map<Integer, String> readable = Map.ofEntries(
                Map.entry(DataPrepperExpressionParser.AND, "'and'"),
                Map.entry(DataPrepperExpressionParser.OR, "'or'"),
                Map.entry(DataPrepperExpressionParser.NOT_IN_SET, "'not in'"),
                Map.entry(DataPrepperExpressionParser.IN_SET, "'in'"),
                Map.entry(DataPrepperExpressionParser.TYPEOF, "'typeof'"),
                Map.entry(DataPrepperExpressionParser.NOT, "'not'"),
                Map.entry(DataPrepperExpressionParser.DIVIDE, "'/'"),
                Map.entry(DataPrepperExpressionParser.Float, "float"),
                Map.entry(DataPrepperExpressionParser.Integer, "integer"),
                Map.entry(DataPrepperExpressionParser.JsonPointer, "JSON pointer"),
                Map.entry(DataPrepperExpressionParser.QuotedJsonPointer, "quoted JSON pointer"),
                Map.entry(DataPrepperExpressionParser.TripleQuotedString, "triple-quoted string"),
                Map.entry(DataPrepperExpressionParser.String, "string"),
                Map.entry(DataPrepperExpressionParser.Identifier, "function name"));
        final int max = generated.getMaxTokenType();
        final String[] literal = new String[max + 1];
        final String[] symbolic = new String[max + 1];
        final String[] display = new String[max + 1];
        for (int type = 0; type <= max; type++) {
            literal[type] = generated.getLiteralName(type);
            symbolic[type] = generated.getSymbolicName(type);
            display[type] = readable.getOrDefault(type, generated.getDisplayName(type));
        }
        return new VocabularyImpl(literal, symbolic, display);
    }
}
