package dev.mlbatch.runtime.plugin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.mlbatch.runtime.config.ConfigLocation;
import dev.mlbatch.runtime.config.ConfigurationException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.opensearch.dataprepper.model.event.EventKey;
import org.opensearch.dataprepper.model.event.EventKeyFactory;
import org.opensearch.dataprepper.model.types.ByteCount;

import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Binds a plugin's YAML settings to its configuration class with Jackson and validates it with jakarta validation.
 * Every failure becomes one {@link ConfigurationException} naming the key.
 */
public final class PluginConfigBinder {
    private final ObjectMapper mapper;
    private final Validator validator;

    public PluginConfigBinder(final EventKeyFactory eventKeyFactory) {
        final SimpleModule dataPrepperTypes = new SimpleModule("data-prepper-types")
                .addDeserializer(Duration.class, new DataPrepperDurationDeserializer())
                .addDeserializer(ByteCount.class, new ByteCountDeserializer())
                .addDeserializer(EventKey.class, new EventKeyDeserializer(eventKeyFactory));
        this.mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(dataPrepperTypes)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
        final ValidatorFactory factory = Validation.byDefaultProvider().configure()
                .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory();
        this.validator = factory.getValidator();
    }

    public <T> T bind(final Class<T> configurationType, final Map<String, Object> settings, final ConfigLocation location) {
        final T configuration;
        try {
            configuration = mapper.convertValue(settings == null ? Map.of() : settings, configurationType);
        } catch (final IllegalArgumentException e) {
            throw bindingError(e, location, configurationType);
        }
        final Set<ConstraintViolation<T>> violations = validator.validate(configuration);
        if (!violations.isEmpty()) {
            final ConstraintViolation<T> first = violations.stream()
                    .min(Comparator.comparing(v -> v.getPropertyPath().toString())).orElseThrow();
            final String key = yamlPath(configurationType, first.getPropertyPath());
            final String others = violations.size() > 1 ? " (and " + (violations.size() - 1) + " more problem(s))" : "";
            throw new ConfigurationException(location.key(key), first.getMessage() + others);
        }
        return configuration;
    }

    private static ConfigurationException bindingError(final IllegalArgumentException e, final ConfigLocation location,
                                                       final Class<?> configurationType) {
        final Throwable cause = e.getCause() instanceof JsonMappingException ? e.getCause() : e;
        if (!(cause instanceof JsonMappingException mapping)) {
            return new ConfigurationException(location, e.getMessage(), e);
        }
        final String key = mapping.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        final ConfigLocation at = location.key(key);
        if (mapping instanceof UnrecognizedPropertyException unknown) {
            final Collection<Object> known = unknown.getKnownPropertyIds();
            return new ConfigurationException(at, "unknown key '" + unknown.getPropertyName() + "'"
                    + (known == null || known.isEmpty() ? "" : " (valid keys: " + new TreeSet<>(known.stream().map(String::valueOf).toList()) + ")"));
        }
        if (mapping instanceof InvalidFormatException invalid) {
            final String detail = rootMessage(mapping);
            return new ConfigurationException(at, "wrong type or format: '" + invalid.getValue() + "' is not a valid "
                    + describe(invalid.getTargetType()) + (detail == null ? "" : " (" + detail + ")"));
        }
        if (mapping instanceof MismatchedInputException mismatched) {
            return new ConfigurationException(at, "wrong type: expected " + describe(mismatched.getTargetType()));
        }
        final Throwable root = deepestCause(mapping);
        return new ConfigurationException(at, root.getMessage() == null ? root.toString() : firstLine(root.getMessage()), e);
    }

    private static String rootMessage(final JsonMappingException mapping) {
        final String message = mapping.getOriginalMessage();
        final int colon = message == null ? -1 : message.lastIndexOf(": ");
        return colon < 0 ? null : message.substring(colon + 2);
    }

    private static Throwable deepestCause(final Throwable throwable) {
        Throwable current = throwable;
        while (current.getCause() != null && current.getCause() != current) {
            current = current.getCause();
        }
        return current;
    }

    private static String firstLine(final String text) {
        final int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static String describe(final Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type.isEnum()) {
            return "value; expected one of " + List.of(type.getEnumConstants()).stream().map(Object::toString)
                    .map(s -> s.toLowerCase()).collect(Collectors.joining(", "));
        }
        if (Map.class.isAssignableFrom(type)) {
            return "mapping";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "list";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean (true or false)";
        }
        if (type == Duration.class) {
            return "duration (e.g. 60s, 1500ms, PT6M)";
        }
        if (type == String.class) {
            return "string";
        }
        return type.getSimpleName() + " (a mapping of its keys)";
    }

    /** Translates a validation path of Java names into the YAML keys the user wrote. */
    static String yamlPath(final Class<?> rootType, final Path propertyPath) {
        final StringBuilder result = new StringBuilder();
        Class<?> current = rootType;
        for (final Path.Node node : propertyPath) {
            if (node.getIndex() != null && result.length() > 0) {
                result.append('[').append(node.getIndex()).append(']');
            } else if (node.getKey() != null && result.length() > 0) {
                result.append('[').append(node.getKey()).append(']');
            }
            if (node.getName() == null) {
                continue;
            }
            final Field field = current == null ? null : findField(current, node.getName());
            final String yamlName = field != null && field.getAnnotation(JsonProperty.class) != null
                    && !field.getAnnotation(JsonProperty.class).value().isEmpty()
                    ? field.getAnnotation(JsonProperty.class).value() : snakeCase(node.getName());
            if (result.length() > 0) {
                result.append('.');
            }
            result.append(yamlName);
            current = field == null ? null : elementType(field);
        }
        return result.toString();
    }

    private static Field findField(final Class<?> type, final String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(name);
            } catch (final NoSuchFieldException ignored) {
                // keep looking in the superclass
            }
        }
        return null;
    }

    private static Class<?> elementType(final Field field) {
        final Type generic = field.getGenericType();
        if (generic instanceof ParameterizedType parameterized) {
            final Type[] arguments = parameterized.getActualTypeArguments();
            final Type last = arguments[arguments.length - 1];
            return last instanceof Class<?> c ? c : null;
        }
        return field.getType();
    }

    private static String snakeCase(final String javaName) {
        return javaName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }
}
