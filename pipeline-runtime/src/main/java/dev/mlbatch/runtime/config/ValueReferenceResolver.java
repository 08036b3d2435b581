package dev.mlbatch.runtime.config;

import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces Data Prepper value references {@code ${{prefix:key}}} in configuration strings, so one pipeline file
 * can point at local or cloud endpoints and at ids created at run time. The {@code env} prefix reads the process
 * environment, then the runtime's env file.
 *
 * <p>Near misses ({@code ${env:X}}, {@code ${{env:X}}, {@code ${{ env:X }}}, {@code {{env:X}}}) are refused with the
 * correct spelling: left alone they would reach the plugin as a literal value (a model id "${env:X}") and fail
 * much later, far from the typo.
 */
public final class ValueReferenceResolver {
    /** Exactly upstream's form: two braces each side, no spaces. */
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{\\{([a-zA-Z0-9_]+):([^}\\s]+)}}");
    /** Anything that looks like an attempt at a reference: braces, spaces and the '$' may be off. */
    private static final Pattern ATTEMPT = Pattern.compile(
            "\\$?\\{\\{?\\s*([a-zA-Z][a-zA-Z0-9_]*)\\s*:\\s*([^}\\s]*)\\s*}?}?");
    /** Where an attempt starts: "${" or "{{". Single-brace "${/key}" formats (no "name:" inside) are not attempts. */
    private static final Pattern ATTEMPT_START = Pattern.compile("\\$\\{|\\{\\{");

    private final Function<String, Optional<String>> environment;
    /** Other prefixes ({@code aws_secrets}, ...), by prefix and key; the local runtime itself resolves none. */
    private final BiFunction<String, String, Optional<String>> otherSources;

    public ValueReferenceResolver(final Function<String, Optional<String>> environment) {
        this(environment, (prefix, name) -> Optional.empty());
    }

    public ValueReferenceResolver(final Function<String, Optional<String>> environment,
                                  final BiFunction<String, String, Optional<String>> otherSources) {
        this.environment = environment;
        this.otherSources = otherSources;
    }

    public static ValueReferenceResolver of(final Map<String, String> values) {
        return new ValueReferenceResolver(name -> Optional.ofNullable(values.get(name)));
    }

    /** @throws IllegalArgumentException naming the reference that cannot be resolved, or the near miss and its fix */
    public String resolve(final String text) {
        final Matcher matcher = REFERENCE.matcher(text);
        final StringBuilder result = new StringBuilder();
        int checkedUpTo = 0;
        while (matcher.find()) {
            rejectNearMisses(text.substring(checkedUpTo, matcher.start()));
            checkedUpTo = matcher.end();
            final String prefix = matcher.group(1);
            final String name = matcher.group(2);
            final String value;
            if (prefix.equals("env")) {
                value = environment.apply(name).orElseThrow(() -> new IllegalArgumentException(
                        "environment variable '" + name + "' referenced by " + matcher.group() + " is not set"
                                + " (nor in the env file, e.g. .mlbatch/stack.env)"));
            } else {
                value = otherSources.apply(prefix, name).orElseThrow(() -> new IllegalArgumentException(
                        "unsupported value reference '" + matcher.group() + "': the local runtime resolves only ${{env:NAME}}"));
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        rejectNearMisses(text.substring(checkedUpTo));
        matcher.appendTail(result);
        return result.toString();
    }

    /** Fails on the first text between valid references that looks like a misspelt reference. */
    private static void rejectNearMisses(final String between) {
        final Matcher start = ATTEMPT_START.matcher(between);
        while (start.find()) {
            final Matcher attempt = ATTEMPT.matcher(between).region(start.start(), between.length());
            if (!attempt.lookingAt()) {
                if (between.startsWith("${{", start.start())) {
                    throw new IllegalArgumentException("malformed value reference '" + between.substring(start.start())
                            + "': the form is ${{env:NAME}}");
                }
                continue;
            }
            final String written = attempt.group();
            if (attempt.group(2).isEmpty()) {
                throw new IllegalArgumentException("malformed value reference '" + written + "': the form is ${{env:NAME}}");
            }
            final String fix = "${{" + attempt.group(1) + ":" + attempt.group(2) + "}}";
            if (written.startsWith("${") && !written.startsWith("${{") && !written.endsWith("}}")) {
                throw new IllegalArgumentException("'" + written + "' is not a value reference: with single braces it "
                        + "would be taken literally; Data Prepper's syntax is " + fix + " (two braces on each side)");
            }
            throw new IllegalArgumentException("malformed value reference '" + written + "'; write " + fix
                    + " (a '$', two braces on each side, no spaces)");
        }
    }
}
