package dev.mlbatch.runtime.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Where a YAML syntax error really is (1-based line and column) and what it means in plain words.
 *
 * <p>Jackson's own location is that of the last token it read, often the line before the fault (a tab at the
 * start of line 6 is reported at the end of line 5). SnakeYAML's marks are exact, so they are used: the problem
 * mark, or the context mark where the fault is an opening that was never closed (a quote, a '{' or '[').
 * {@code quotesSuspectUpToLine} is the last line the parser read when the fault may come from a quote that never
 * closed (a typographic quote, then, is the likely cause), else 0. {@code indentation} is true for tabs and bad
 * indentation, where the nesting around the line cannot be trusted to name a plugin or key.
 */
public record YamlSyntaxFault(int line, int column, String problem, int quotesSuspectUpToLine, boolean indentation) {

    public static YamlSyntaxFault of(final String text, final JsonProcessingException e) {
        final MarkedYAMLException marked = markedCause(e);
        if (marked == null || (marked.getProblemMark() == null && marked.getContextMark() == null)) {
            final JsonLocation where = e.getLocation();
            return new YamlSyntaxFault(where == null ? 0 : where.getLineNr(), where == null ? 0 : where.getColumnNr(),
                    firstLine(e.getOriginalMessage()), where == null ? 0 : where.getLineNr(), false);
        }
        final Mark problemMark = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
        final Mark contextMark = marked.getContextMark();
        final String problem = marked.getProblem() == null ? "" : marked.getProblem();
        final String context = marked.getContext() == null ? "" : marked.getContext();
        final String[] lines = text.split("\\R", -1);

        if (isTab(text, problemMark) || problem.contains("\\t(TAB)")) {
            final String line = lineAt(lines, problemMark.getLine());
            final boolean indentation = line.substring(0, Math.min(problemMark.getColumn(), line.length())).isBlank();
            return new YamlSyntaxFault(problemMark.getLine() + 1, problemMark.getColumn() + 1, indentation
                    ? "a tab character is not allowed for indentation in YAML; use spaces"
                    : "a tab character is not allowed here in YAML; use spaces", 0, indentation);
        }
        if (context.contains("quoted scalar") && contextMark != null
                && (problem.contains("end of stream") || problem.contains("document separator"))) {
            final char quote = charAt(lines, contextMark);
            return new YamlSyntaxFault(contextMark.getLine() + 1, contextMark.getColumn() + 1, "the string opened by "
                    + quote + " here is never closed (no matching " + quote + " before " + (problem.contains("end of stream") ? "the end of the file" : "a document separator") + ")",
                    problemMark.getLine() + 1, false);
        }
        if (context.contains("double-quoted scalar") && problem.contains("unknown escape character")) {
            // The mark is on the letter after the backslash; point at the backslash, where the escape starts.
            final int column = Math.max(1, problemMark.getColumn());
            return new YamlSyntaxFault(problemMark.getLine() + 1, column, problem + " in a double-quoted string;"
                    + " a backslash starts an escape there: write \\\\ or put the value in single quotes", problemMark.getLine() + 1, false);
        }
        if (context.startsWith("while parsing a flow") && contextMark != null
                && problemMark.getLine() > contextMark.getLine()) {
            final char open = charAt(lines, contextMark);
            final char close = open == '[' ? ']' : '}';
            return at(contextMark, "the '" + open + "' opened here is not closed with '" + close + "' on its line"
                    + " (the parser found " + found(problem) + " at line " + (problemMark.getLine() + 1) + " column "
                    + (problemMark.getColumn() + 1) + ")", problemMark);
        }
        if (problem.startsWith("expected <block end>")) {
            final String line = lineAt(lines, problemMark.getLine());
            if (line.substring(0, Math.min(problemMark.getColumn(), line.length())).isBlank()) {
                return new YamlSyntaxFault(problemMark.getLine() + 1, problemMark.getColumn() + 1,
                        "bad indentation: this line is indented " + problemMark.getColumn()
                        + " spaces, which lines up with no key above it (keys of one mapping start in the same column,"
                        + " and list items under a key are indented the same way)", problemMark.getLine() + 1, true);
            }
            final YamlSyntaxFault runOn = quoteRunOn(text, problemMark);
            if (runOn != null) {
                return runOn;
            }
            return at(problemMark, "unexpected text after the value on this line; if it belongs to the value,"
                    + " put the whole value in quotes", problemMark);
        }
        if (problem.startsWith("mapping values are not allowed")) {
            return at(problemMark, "a ':' that starts a key is not allowed here: either this key is indented under a key"
                    + " that already has a value, or a value containing ': ' needs quotes", problemMark);
        }
        return at(problemMark, context.isEmpty() ? problem : context + ": " + problem, problemMark);
    }

    /**
     * Text right after a closing quote whose string opened on an earlier line: that string most likely lacks its
     * own closing quote and ran on to the next quote (the next line's value), so the fault is where it opened.
     */
    private static YamlSyntaxFault quoteRunOn(final String text, final Mark after) {
        int close = Math.min(after.getIndex(), text.length()) - 1;
        while (close > 0 && (text.charAt(close) == ' ' || text.charAt(close) == '\t')) {
            close--;
        }
        if (close < 1 || (text.charAt(close) != '"' && text.charAt(close) != '\'')) {
            return null;
        }
        final char quote = text.charAt(close);
        final int open = text.lastIndexOf(quote, close - 1);
        if (open < 0 || text.indexOf('\n', open) < 0 || text.indexOf('\n', open) > close) {
            return null;
        }
        final int line = (int) text.substring(0, open).chars().filter(c -> c == '\n').count() + 1;
        final int column = open - text.lastIndexOf('\n', open - 1);
        return new YamlSyntaxFault(line, column, "the string opened by " + quote + " here is never closed on its line, so it runs on to the "
                + quote + " on line " + (after.getLine() + 1) + "; close it on this line", after.getLine() + 1, false);
    }

    /** @param reached where the parser stopped: a stray typographic quote up to there may be the real cause */
    private static YamlSyntaxFault at(final Mark mark, final String problem, final Mark reached) {
        return new YamlSyntaxFault(mark.getLine() + 1, mark.getColumn() + 1, problem, reached.getLine() + 1, false);
    }

    private static MarkedYAMLException markedCause(final Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked) {
                return marked;
            }
        }
        return null;
    }

    private static boolean isTab(final String text, final Mark mark) {
        return mark.getIndex() >= 0 && mark.getIndex() < text.length() && text.charAt(mark.getIndex()) == '\t';
    }

    private static String lineAt(final String[] lines, final int zeroBasedLine) {
        return zeroBasedLine >= 0 && zeroBasedLine < lines.length ? lines[zeroBasedLine] : "";
    }

    private static char charAt(final String[] lines, final Mark mark) {
        final String line = lineAt(lines, mark.getLine());
        return mark.getColumn() < line.length() ? line.charAt(mark.getColumn()) : '?';
    }

    /** "expected <block end>, but found '<scalar>'" -> "a value"; the parser's token names mean little to a reader. */
    private static String found(final String problem) {
        final int found = problem.indexOf("found ");
        final int got = problem.indexOf("got ");
        final String token = found >= 0 ? problem.substring(found + "found ".length()).trim()
                : got >= 0 ? problem.substring(got + "got ".length()).trim() : "";
        if (token.contains("<scalar>")) {
            return "a value";
        }
        if (token.contains("block mapping start") || token.contains("<key>")) {
            return "a key";
        }
        if (token.contains("block sequence start") || token.contains("block entry")) {
            return "a list item";
        }
        if (token.equals(":")) {
            return "a key (':')";
        }
        return token.isEmpty() ? "something else" : token;
    }

    private static String firstLine(final String message) {
        if (message == null) {
            return "unreadable YAML";
        }
        final int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
