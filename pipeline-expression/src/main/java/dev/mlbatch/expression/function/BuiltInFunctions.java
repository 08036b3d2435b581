package dev.mlbatch.expression.function;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The functions the language knows, by name. */
public final class BuiltInFunctions {
    private static final Map<String, ExpressionFunction> FUNCTIONS = index();

    private BuiltInFunctions() {
    }

    private static Map<String, ExpressionFunction> index() {
        final List<ExpressionFunction> functions = new ArrayList<>();
        functions.add(new LengthFunction());
        functions.add(new HasTagsFunction());
        functions.add(new GetMetadataFunction());
        functions.add(StringTestFunction.contains());
        functions.add(StringTestFunction.startsWith());
        functions.add(new CidrContainsFunction());
        functions.add(new JoinFunction());
        functions.addAll(SubstringFunction.all());
        functions.add(new FormatDateTimeFunction());
        functions.addAll(EventAttributeFunction.all());
        final Map<String, ExpressionFunction> byName = new TreeMap<>();
        for (final ExpressionFunction function : functions) {
            byName.put(function.name(), function);
        }
        return Collections.unmodifiableMap(byName);
    }

    public static Optional<ExpressionFunction> find(final String name) {
        return Optional.ofNullable(FUNCTIONS.get(name));
    }

    public static List<String> names() {
        return List.copyOf(FUNCTIONS.keySet());
    }
}
