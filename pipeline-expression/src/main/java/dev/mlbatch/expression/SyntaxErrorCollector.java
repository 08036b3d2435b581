package dev.mlbatch.expression;

import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

import java.util.Set;

/**
 * Keeps the first lexer or parser error with its 0-based character offset in the statement. Installed instead of
 * ANTLR's console listener, so nothing is ever printed.
 */
final class SyntaxErrorCollector extends BaseErrorListener {
    private static final Set<String> KEYWORDS = Set.of("and", "or", "in", "not", "typeof");

    private final String statement;
    private int offset = -1;
    private String message;

    SyntaxErrorCollector(final String statement) {
        this.statement = statement;
    }

    @Override
    public void syntaxError(final Recognizer<?, ?> recognizer, final Object offendingSymbol, final int line,
                            final int charPositionInLine, final String msg, final RecognitionException e) {
        if (message != null) {
            return;
        }
        message = msg + hint(offendingSymbol, msg);
        if (offendingSymbol instanceof Token && ((Token) offendingSymbol).getStartIndex() >= 0) {
            offset = skipWhitespace(((Token) offendingSymbol).getStartIndex());
        } else {
            offset = offsetOf(line, charPositionInLine);
        }
    }

    /** Adds advice for the two mistakes the grammar's upstream-compatible rules make likely. */
    private static String hint(final Object offendingSymbol, final String msg) {
        if (offendingSymbol == null && msg.startsWith("token recognition error") && msg.contains("$")) {
            return " (write a literal $ in a string as \\$)";
        }
        if (offendingSymbol instanceof Token) {
            final String text = ((Token) offendingSymbol).getText();
            if (KEYWORDS.contains(text)) {
                return " ('" + text + "' needs whitespace on both sides" + ("not".equals(text) ? ", or after it" : "")
                        + ")";
            }
        }
        return "";
    }

    boolean hasError() {
        return message != null;
    }

    int offset() {
        return offset;
    }

    String message() {
        return message;
    }

    /** Keyword tokens such as " and " start with their whitespace; point at the word instead. */
    private int skipWhitespace(final int index) {
        int i = index;
        while (i < statement.length() && Character.isWhitespace(statement.charAt(i))) {
            i++;
        }
        return i < statement.length() ? i : index;
    }

    private int offsetOf(final int line, final int charPositionInLine) {
        int index = 0;
        for (int current = 1; current < line && index < statement.length(); index++) {
            if (statement.charAt(index) == '\n') {
                current++;
            }
        }
        return index + charPositionInLine;
    }
}
