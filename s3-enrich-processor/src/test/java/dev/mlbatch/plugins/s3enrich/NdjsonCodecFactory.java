package dev.mlbatch.plugins.s3enrich;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlbatch.plugins.codec.NdjsonInputCodec;
import dev.mlbatch.plugins.codec.NdjsonInputCodecConfig;
import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.plugin.PluginFactory;
import org.opensearch.dataprepper.model.sink.SinkContext;

import java.util.List;
import java.util.function.Function;

/** Test fixture: a plugin factory that knows one plugin, the real {@code ndjson} input codec. */
final class NdjsonCodecFactory implements PluginFactory {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public <T> T loadPlugin(final Class<T> baseClass, final PluginSetting pluginSetting, final Object... args) {
        if (baseClass != InputCodec.class || !"ndjson".equals(pluginSetting.getName())) {
            throw new IllegalArgumentException("this test factory only loads the ndjson input codec, not " + pluginSetting.getName());
        }
        return baseClass.cast(new NdjsonInputCodec(JSON.convertValue(pluginSetting.getSettings(), NdjsonInputCodecConfig.class)));
    }

    @Override
    public <T> T loadPlugin(final Class<T> baseClass, final PluginSetting pluginSetting, final SinkContext sinkContext) {
        throw new UnsupportedOperationException("no sinks here");
    }

    @Override
    public <T> List<T> loadPlugins(final Class<T> baseClass, final PluginSetting pluginSetting,
                                   final Function<Class<? extends T>, Integer> numberOfInstancesFunction) {
        throw new UnsupportedOperationException("one plugin at a time here");
    }
}
