package dev.mlbatch.runtime.config;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces Data Prepper value references {@code ${{prefix:key}}} in configuration strings, so one pipeline file
 * can point at local or cloud endpoints and at ids created at run time. The {@code env} prefix reads the process
 * environment, then the runtime's env file.
 */
public final class ValueReferenceResolver {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{\\{([a-zA-Z0-9_]+):([^}]*)}}");

    private final Function<String, Optional<String>> environment;

    public ValueReferenceResolver(final Function<String, Optional<String>> environment) {
        this.environment = environment;
    }

    public static ValueReferenceResolver of(final Map<String, String> values) {
        return new ValueReferenceResolver(name -> Optional.ofNullable(values.get(name)));
    }

    /** @throws IllegalArgumentException naming the reference that cannot be resolved */
    public String resolve(final String text) {
        if (text.indexOf("${{") < 0) {
            return text;
        }
        final Matcher matcher = REFERENCE.matcher(text);
        final StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            final String prefix = matcher.group(1);
            final String name = matcher.group(2).trim();
            if (!prefix.equals("env")) {
                throw new IllegalArgumentException("unsupported value reference '" + matcher.group()
                        + "': the local runtime resolves only ${{env:NAME}}");
            }
            final String value = environment.apply(name).orElseThrow(() -> new IllegalArgumentException(
                    "environment variable '" + name + "' referenced by " + matcher.group() + " is not set"
                            + " (nor in the env file, e.g. .mlbatch/stack.env)"));
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(result);
        if (result.indexOf("${{") >= 0) {
            throw new IllegalArgumentException("malformed value reference in '" + text + "'; the form is ${{env:NAME}}");
        }
        return result.toString();
    }
}
