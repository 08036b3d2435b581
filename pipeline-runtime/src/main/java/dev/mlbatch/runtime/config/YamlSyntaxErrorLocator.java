package dev.mlbatch.runtime.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a YAML parser's line/column into the pipeline, plugin and key a person would look for, and spots the
 * typographic quotes that word processors put into copied examples (a common cause of unclosed strings).
 */
final class YamlSyntaxErrorLocator {
    private static final Pattern KEY = Pattern.compile("^(\\s*)(?:-\\s+)?([^\\s#:\"'][^:#]*?):(\\s|$)");
    private static final String TYPOGRAPHIC_QUOTES = "\u201C\u201D\u2018\u2019\u201E";
    private static final List<String> SECTIONS = List.of("source", "buffer", "processor", "processors", "sink", "route", "routes");

    private final String[] lines;

    YamlSyntaxErrorLocator(final String text) {
        this.lines = text.split("\\R", -1);
    }

    /**
     * The first line, up to {@code lastLine}, holding a typographic quote next to an odd number of straight quotes,
     * if any: {line, column}, 1-based.
     */
    int[] findStrayTypographicQuote(final int lastLine) {
        for (int i = 0; i < Math.min(lastLine, lines.length); i++) {
            final String line = stripComment(lines[i]);
            for (int c = 0; c < line.length(); c++) {
                if (TYPOGRAPHIC_QUOTES.indexOf(line.charAt(c)) >= 0 && countStraightQuotes(line) % 2 == 1) {
                    return new int[]{i + 1, c + 1};
                }
            }
        }
        return null;
    }

    private static int countStraightQuotes(final String line) {
        int count = 0;
        for (int c = 0; c < line.length(); c++) {
            if (line.charAt(c) == '"' && (c == 0 || line.charAt(c - 1) != '\\')) {
                count++;
            }
        }
        return count;
    }

    private static String stripComment(final String line) {
        final int hash = line.indexOf(" #");
        return hash >= 0 ? line.substring(0, hash) : line;
    }

    char characterAt(final int line, final int column) {
        return lines[line - 1].charAt(column - 1);
    }

    /** Adds only the pipeline (the top-level key above the line): for faults where the nesting is in doubt. */
    ConfigLocation enclosingPipeline(final ConfigLocation location) {
        final List<String> path = keyPathAt(location.line());
        return path.isEmpty() ? location : location.pipeline(path.get(0));
    }

    /** Adds pipeline, plugin and key to a location that has a 1-based line. */
    ConfigLocation enclosingKeys(final ConfigLocation location) {
        final List<String> path = keyPathAt(location.line());
        if (path.isEmpty()) {
            return location;
        }
        ConfigLocation result = location.pipeline(path.get(0));
        int next = 1;
        boolean inPlugin = false;
        if (path.size() > 1 && SECTIONS.contains(path.get(1))) {
            next = 2;
            if (path.size() > 2 && !path.get(1).startsWith("route")) {
                result = result.plugin(path.get(2));
                next = 3;
                inPlugin = true;
            }
        }
        if (next < path.size()) {
            result = result.key(String.join(".", path.subList(next, path.size())));
        } else if (path.size() > 1 && !inPlugin) {
            result = result.key(path.get(path.size() - 1));
        }
        return result;
    }

    /** The chain of YAML keys enclosing the given line, outermost first. */
    private List<String> keyPathAt(final int lineNumber) {
        final List<String> reversed = new ArrayList<>();
        int indentLimit = Integer.MAX_VALUE;
        for (int i = Math.min(lineNumber, lines.length) - 1; i >= 0 && indentLimit > 0; i--) {
            final Matcher matcher = KEY.matcher(lines[i]);
            if (!matcher.find() || matcher.group(1).indexOf('\t') >= 0) {
                continue; // a tab-indented line has no column a reader could compare; the lines above tell where it is
            }
            int indent = matcher.group(1).length();
            if (lines[i].substring(indent).startsWith("-")) {
                indent += 2; // a key after "- " belongs to the list item's mapping
            }
            if (indent < indentLimit) {
                reversed.add(matcher.group(2).trim());
                indentLimit = matcher.group(1).length();
            }
        }
        final List<String> path = new ArrayList<>();
        for (int i = reversed.size() - 1; i >= 0; i--) {
            path.add(reversed.get(i));
        }
        return path;
    }
}
