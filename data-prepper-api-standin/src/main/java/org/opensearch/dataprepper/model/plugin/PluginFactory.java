package org.opensearch.dataprepper.model.plugin;

import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.sink.SinkContext;

import java.util.List;
import java.util.function.Function;

/** Lets a plugin load other plugins (codecs, DLQ writers) by type and name. */
public interface PluginFactory {
    <T> T loadPlugin(Class<T> baseClass, PluginSetting pluginSetting, Object... args);

    <T> T loadPlugin(Class<T> baseClass, PluginSetting pluginSetting, SinkContext sinkContext);

    <T> List<T> loadPlugins(Class<T> baseClass, PluginSetting pluginSetting,
                            Function<Class<? extends T>, Integer> numberOfInstancesFunction);
}
