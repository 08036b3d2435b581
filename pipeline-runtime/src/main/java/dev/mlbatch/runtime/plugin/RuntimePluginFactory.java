package dev.mlbatch.runtime.plugin;

import dev.mlbatch.runtime.config.ConfigLocation;
import dev.mlbatch.runtime.config.PluginDefinition;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.plugin.PluginFactory;
import org.opensearch.dataprepper.model.sink.SinkContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

/** The {@link PluginFactory} handed to one plugin, so the plugins it loads (codecs, DLQ writers) are placed under it. */
final class RuntimePluginFactory implements PluginFactory {
    private final PluginInstantiator instantiator;
    private final ConfigLocation ownerLocation;
    private final String pipelineName;
    private final int workers;

    RuntimePluginFactory(final PluginInstantiator instantiator, final ConfigLocation ownerLocation,
                         final String pipelineName, final int workers) {
        this.instantiator = instantiator;
        this.ownerLocation = ownerLocation;
        this.pipelineName = pipelineName;
        this.workers = workers;
    }

    @Override
    public <T> T loadPlugin(final Class<T> baseClass, final PluginSetting pluginSetting, final Object... args) {
        return instantiator.create(baseClass, definitionOf(pluginSetting), pipelineOf(pluginSetting), workers, args);
    }

    @Override
    public <T> T loadPlugin(final Class<T> baseClass, final PluginSetting pluginSetting, final SinkContext sinkContext) {
        return instantiator.create(baseClass, definitionOf(pluginSetting), pipelineOf(pluginSetting), workers, sinkContext);
    }

    @Override
    public <T> List<T> loadPlugins(final Class<T> baseClass, final PluginSetting pluginSetting,
                                   final Function<Class<? extends T>, Integer> numberOfInstancesFunction) {
        final int count = numberOfInstancesFunction.apply(baseClass);
        final List<T> plugins = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            plugins.add(loadPlugin(baseClass, pluginSetting));
        }
        return plugins;
    }

    private PluginDefinition definitionOf(final PluginSetting pluginSetting) {
        final ConfigLocation location = ownerLocation.key(ownerLocation.key() == null
                ? pluginSetting.getName() : ownerLocation.key() + "." + pluginSetting.getName());
        return new PluginDefinition(pluginSetting.getName(),
                pluginSetting.getSettings() == null ? new LinkedHashMap<>() : pluginSetting.getSettings(), location);
    }

    private String pipelineOf(final PluginSetting pluginSetting) {
        return pluginSetting.getPipelineName() != null ? pluginSetting.getPipelineName() : pipelineName;
    }
}
