package dev.mlbatch.runtime.plugin;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.mlbatch.runtime.config.ConfigLocation;
import dev.mlbatch.runtime.config.ConfigurationException;
import dev.mlbatch.runtime.config.NearestName;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.opensearch.dataprepper.model.event.EventKey;
import org.opensearch.dataprepper.model.event.EventKeyFactory;
import org.opensearch.dataprepper.model.types.ByteCount;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
            final String key = yamlPath(configurationType, first.getPropertyPath(), first.getMessage());
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
            final Set<String> knownKeys = known == null ? Set.of() : new TreeSet<>(known.stream().map(String::valueOf).toList());
            return new ConfigurationException(at, "unknown key '" + unknown.getPropertyName() + "'"
                    + NearestName.suggestion(unknown.getPropertyName(), knownKeys)
                    + (knownKeys.isEmpty() ? "" : " (valid keys: " + knownKeys + ")"));
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

    /**
     * Translates a validation path of Java names into the YAML keys the user wrote, using Jackson's own view of the
     * class (so {@code @JsonProperty} names and naming strategies are honoured). A cross-field rule is a method
     * ({@code boolean isOutputPathValid()}) whose Java name is no key at all: it is reported under the key it checks
     * (the method name less "Valid", or else the first key of its class that its message names), never under a name
     * derived from the method.
     */
    String yamlPath(final Class<?> rootType, final Path propertyPath, final String message) {
        final StringBuilder result = new StringBuilder();
        JavaType current = mapper.constructType(rootType);
        for (final Path.Node node : propertyPath) {
            if (node.getIndex() != null && result.length() > 0) {
                result.append('[').append(node.getIndex()).append(']');
            } else if (node.getKey() != null && result.length() > 0) {
                result.append('[').append(node.getKey()).append(']');
            }
            if (node.getName() == null) {
                continue;
            }
            final Map<String, BeanPropertyDefinition> properties = current == null ? Map.of() : yamlProperties(current);
            final BeanPropertyDefinition property = properties.get(node.getName());
            final String yamlName;
            if (property != null) {
                yamlName = property.getName();
                current = elementType(property.getPrimaryType());
            } else {
                yamlName = keyCheckedByRule(node.getName(), properties, message);
                current = null;
            }
            if (yamlName == null) {
                continue; // the message names the keys; the location stays at the enclosing mapping
            }
            if (result.length() > 0) {
                result.append('.');
            }
            result.append(yamlName);
        }
        return result.toString();
    }

    /** The properties a YAML mapping can set on this type, by Java (internal) name. */
    private Map<String, BeanPropertyDefinition> yamlProperties(final JavaType type) {
        if (type.isContainerType() || type.getRawClass().getName().startsWith("java.")) {
            return Map.of();
        }
        final BeanDescription description = mapper.getDeserializationConfig().introspect(type);
        final Map<String, BeanPropertyDefinition> byJavaName = new LinkedHashMap<>();
        for (final BeanPropertyDefinition property : description.findProperties()) {
            if (property.hasField() || property.hasSetter() || property.hasConstructorParameter()) {
                byJavaName.put(property.getInternalName(), property);
            }
        }
        return byJavaName;
    }

    private static String keyCheckedByRule(final String ruleName, final Map<String, BeanPropertyDefinition> properties,
                                           final String message) {
        if (ruleName.endsWith("Valid")) {
            final BeanPropertyDefinition checked = properties.get(ruleName.substring(0, ruleName.length() - "Valid".length()));
            if (checked != null) {
                return checked.getName();
            }
        }
        String firstNamed = null;
        int firstAt = Integer.MAX_VALUE;
        for (final BeanPropertyDefinition property : properties.values()) {
            final Matcher matcher = Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(property.getName()) + "(?![A-Za-z0-9_])")
                    .matcher(message == null ? "" : message);
            if (matcher.find() && matcher.start() < firstAt) {
                firstAt = matcher.start();
                firstNamed = property.getName();
            }
        }
        return firstNamed;
    }

    /** The type whose keys come next in a path: a list's or map's element type, else the property's own type. */
    private static JavaType elementType(final JavaType type) {
        JavaType element = type;
        while (element != null && (element.isContainerType() || element.isReferenceType())) {
            element = element.getContentType();
        }
        return element;
    }
}
