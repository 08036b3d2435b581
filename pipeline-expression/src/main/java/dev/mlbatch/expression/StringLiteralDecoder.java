package dev.mlbatch.expression;

/**
 * Turns a quoted token into its value: strips the quotes (one or three) and resolves the escapes the grammar allows
 * ({@code \b \t \n \f \r \" \' \\ \$ \,}, and {@code \/} in quoted pointers).
 */
final class StringLiteralDecoder {
    private StringLiteralDecoder() {
    }

    static String decode(final String token) {
        final int quotes = token.startsWith("\"\"\"") && token.length() >= 6 ? 3 : 1;
        final String body = token.substring(quotes, token.length() - quotes);
        if (body.indexOf('\\') < 0) {
            return body;
        }
        final StringBuilder value = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            final char c = body.charAt(i);
            if (c != '\\' || i + 1 == body.length()) {
                value.append(c);
                continue;
            }
            final char escaped = body.charAt(++i);
            switch (escaped) {
                case 'b':
                    value.append('\b');
                    break;
                case 't':
                    value.append('\t');
                    break;
                case 'n':
                    value.append('\n');
                    break;
                case 'f':
                    value.append('\f');
                    break;
                case 'r':
                    value.append('\r');
                    break;
                default:
                    // \" \' \\ \$ \, \/ stand for the character itself.
                    value.append(escaped);
            }
        }
        return value.toString();
    }
}
