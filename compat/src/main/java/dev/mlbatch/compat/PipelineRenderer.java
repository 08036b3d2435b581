package dev.mlbatch.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our pipeline files made runnable by an upstream Data Prepper 2.16, which resolves no {@code ${{env:KEY}}} (only
 * {@code aws_secrets}): every reference is replaced by its value, and each {@code ml_inference} gets an absolute
 * {@code state_directory} (its default is relative to the JVM's working directory).
 */
public final class PipelineRenderer {

    private static final Pattern ENV = Pattern.compile("\\$\\{\\{env:([A-Za-z_][A-Za-z0-9_]*)}}");
    private static final Pattern ML_INFERENCE = Pattern.compile("^(\\s*)- ml_inference:\\s*$");
    private static final Pattern STATE_DIRECTORY = Pattern.compile("^\\s*state_directory:.*$");

    private final Map<String, String> env;

    public PipelineRenderer(final Map<String, String> env) {
        this.env = env;
    }

    /** Renders {@code source} into {@code target}; a reference without a value is named with file and line. */
    public void render(final Path source, final Path target, final Path stateDirectory) throws IOException {
        final List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        final List<String> rendered = new ArrayList<>(lines.size() + 1);
        for (int i = 0; i < lines.size(); i++) {
            final String line = lines.get(i);
            if (STATE_DIRECTORY.matcher(line).matches()) {
                continue; // replaced by the absolute one below
            }
            rendered.add(substitute(line, source, i + 1));
            final Matcher m = ML_INFERENCE.matcher(line);
            if (m.matches() && i + 1 < lines.size()) {
                final String next = lines.get(i + 1);
                final String indent = next.substring(0, next.length() - next.stripLeading().length());
                rendered.add(indent + "state_directory: \"" + stateDirectory.toAbsolutePath() + "\"");
            }
        }
        Files.createDirectories(target.getParent());
        Files.write(target, rendered, StandardCharsets.UTF_8);
    }

    private String substitute(final String line, final Path file, final int lineNumber) {
        final Matcher m = ENV.matcher(line);
        final StringBuilder out = new StringBuilder();
        while (m.find()) {
            final String value = env.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException(file + ":" + lineNumber + ": ${{env:" + m.group(1)
                        + "}} has no value in the stack's env file");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
