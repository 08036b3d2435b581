package dev.mlbatch.runtime.plugin;

import dev.mlbatch.runtime.config.ConfigLocation;
import dev.mlbatch.runtime.config.ConfigurationException;
import dev.mlbatch.runtime.config.NearestName;
import dev.mlbatch.runtime.config.PluginDefinition;
import org.opensearch.dataprepper.metrics.PluginMetrics;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.plugin.InvalidPluginConfigurationException;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Creates plugin instances the way upstream's plugin framework does: find the class by type and name, bind and
 * validate its configuration, then call its {@link DataPrepperPluginConstructor} with arguments chosen by type.
 */
public final class PluginInstantiator {
    private final PluginRegistry registry;
    private final PluginConfigBinder binder;
    private final List<Object> sharedBeans;
    private final Function<String, Optional<String>> expressionSyntaxCheck;

    /**
     * @param sharedBeans           objects any plugin may ask for by type (expression evaluator, acknowledgement set
     *                              manager, event key factory, AWS credentials supplier)
     * @param expressionSyntaxCheck returns the first syntax error of an expression (with its column), if any
     */
    public PluginInstantiator(final PluginRegistry registry, final PluginConfigBinder binder, final List<Object> sharedBeans,
                              final Function<String, Optional<String>> expressionSyntaxCheck) {
        this.registry = registry;
        this.binder = binder;
        this.sharedBeans = List.copyOf(sharedBeans);
        this.expressionSyntaxCheck = expressionSyntaxCheck;
    }

    public <T> T create(final Class<T> pluginType, final PluginDefinition definition, final String pipelineName,
                        final int workers, final Object... extraArguments) {
        final ConfigLocation location = definition.location();
        final Class<?> pluginClass = registry.find(pluginType, definition.name()).orElseThrow(() ->
                new ConfigurationException(location, "unknown " + typeName(pluginType) + " plugin '" + definition.name() + "'"
                        + NearestName.suggestion(definition.name(), registry.namesOf(pluginType))
                        + " (available: " + String.join(", ", registry.namesOf(pluginType)) + ")"));
        checkConditions(definition.settings(), location, "");

        final PluginSetting pluginSetting = new PluginSetting(definition.name(), definition.settings());
        pluginSetting.setPipelineName(pipelineName);
        pluginSetting.setProcessWorkers(workers);

        final Class<?> configurationType = pluginClass.getAnnotation(DataPrepperPlugin.class).pluginConfigurationType();
        final Object configuration = configurationType == PluginSetting.class
                ? pluginSetting : binder.bind(configurationType, definition.settings(), location);

        final List<Object> candidates = new ArrayList<>(Arrays.asList(extraArguments));
        candidates.add(pluginSetting);
        candidates.add(configuration);
        candidates.add(new RuntimePluginFactory(this, location, pipelineName, workers));
        candidates.addAll(sharedBeans);

        final Constructor<?> constructor = pluginConstructor(pluginClass, location);
        final Object[] arguments = new Object[constructor.getParameterCount()];
        final Class<?>[] parameterTypes = constructor.getParameterTypes();
        for (int i = 0; i < parameterTypes.length; i++) {
            arguments[i] = argumentFor(parameterTypes[i], candidates, pluginSetting, definition, location);
        }
        try {
            return pluginType.cast(constructor.newInstance(arguments));
        } catch (final InvocationTargetException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof ConfigurationException configurationException) {
                throw configurationException;
            }
            if (cause instanceof InvalidPluginConfigurationException || cause instanceof IllegalArgumentException) {
                throw new ConfigurationException(location, "invalid configuration: " + cause.getMessage(), cause);
            }
            throw new ConfigurationException(location, "plugin failed to start: " + cause, cause);
        } catch (final ReflectiveOperationException e) {
            throw new ConfigurationException(location, "plugin cannot be created: " + e, e);
        }
    }

    private static Object argumentFor(final Class<?> parameterType, final List<Object> candidates, final PluginSetting pluginSetting,
                                      final PluginDefinition definition, final ConfigLocation location) {
        if (parameterType == PluginMetrics.class) {
            return PluginMetrics.fromPluginSetting(pluginSetting);
        }
        for (final Object candidate : candidates) {
            if (candidate != null && parameterType.isInstance(candidate)) {
                return candidate;
            }
        }
        throw new ConfigurationException(location, "plugin '" + definition.name() + "' asks for a constructor argument of type "
                + parameterType.getName() + ", which this runtime does not provide");
    }

    private static Constructor<?> pluginConstructor(final Class<?> pluginClass, final ConfigLocation location) {
        final Constructor<?>[] constructors = pluginClass.getConstructors();
        for (final Constructor<?> constructor : constructors) {
            if (constructor.isAnnotationPresent(DataPrepperPluginConstructor.class)) {
                return constructor;
            }
        }
        if (constructors.length == 1) {
            return constructors[0];
        }
        for (final Constructor<?> constructor : constructors) {
            if (constructor.getParameterCount() == 0) {
                return constructor;
            }
        }
        throw new ConfigurationException(location, pluginClass.getName()
                + " has no @DataPrepperPluginConstructor and no single public constructor");
    }

    /** Every {@code *_when} option is an expression; a syntax error stops start-up with its position. */
    private void checkConditions(final Object value, final ConfigLocation location, final String path) {
        if (value instanceof Map<?, ?> map) {
            for (final Map.Entry<?, ?> entry : map.entrySet()) {
                final String key = String.valueOf(entry.getKey());
                final String childPath = path.isEmpty() ? key : path + "." + key;
                if (key.endsWith("_when") && entry.getValue() instanceof String condition) {
                    expressionSyntaxCheck.apply(condition).ifPresent(error -> {
                        throw new ConfigurationException(location.key(childPath), "invalid expression \"" + condition + "\": " + error);
                    });
                } else {
                    checkConditions(entry.getValue(), location, childPath);
                }
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                checkConditions(list.get(i), location, path + "[" + i + "]");
            }
        }
    }

    private static String typeName(final Class<?> pluginType) {
        return switch (pluginType.getSimpleName()) {
            case "Source" -> "source";
            case "Processor" -> "processor";
            case "Sink" -> "sink";
            case "Buffer" -> "buffer";
            case "InputCodec" -> "codec";
            default -> pluginType.getSimpleName();
        };
    }
}
