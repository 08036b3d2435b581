package dev.mlbatch.plugins;

import dev.mlbatch.plugins.codec.CsvInputCodec;
import dev.mlbatch.plugins.codec.CsvInputCodecConfig;
import dev.mlbatch.plugins.codec.JsonInputCodec;
import dev.mlbatch.plugins.codec.JsonInputCodecConfig;
import dev.mlbatch.plugins.codec.NdjsonInputCodec;
import dev.mlbatch.plugins.codec.NdjsonInputCodecConfig;
import dev.mlbatch.plugins.codec.NewlineDelimitedInputCodec;
import dev.mlbatch.plugins.codec.NewlineDelimitedInputCodecConfig;
import dev.mlbatch.plugins.file.FileSink;
import dev.mlbatch.plugins.file.FileSinkConfig;
import dev.mlbatch.plugins.file.FileSource;
import dev.mlbatch.plugins.file.FileSourceConfig;
import dev.mlbatch.plugins.mutate.AddEntryProcessor;
import dev.mlbatch.plugins.mutate.AddEntryProcessorConfig;
import dev.mlbatch.plugins.mutate.CopyValueProcessor;
import dev.mlbatch.plugins.mutate.CopyValueProcessorConfig;
import dev.mlbatch.plugins.mutate.DeleteEntryProcessor;
import dev.mlbatch.plugins.mutate.DeleteEntryProcessorConfig;
import dev.mlbatch.plugins.stdout.StdoutSink;
import org.junit.jupiter.api.Test;
import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.codec.InputCodec;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.processor.Processor;
import org.opensearch.dataprepper.model.sink.Sink;
import org.opensearch.dataprepper.model.source.Source;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a Data Prepper host sees: the packages file, each plugin's annotation, and one injectable constructor. */
class PluginDeclarationsTest {

    private static void assertPlugin(final Class<?> plugin, final String name, final Class<?> type, final Class<?> config) {
        final DataPrepperPlugin annotation = plugin.getAnnotation(DataPrepperPlugin.class);
        assertNotNull(annotation, plugin.getName());
        assertEquals(name, annotation.name());
        assertEquals(type, annotation.pluginType());
        assertEquals(config, annotation.pluginConfigurationType());
        assertTrue(type.isAssignableFrom(plugin), plugin + " implements " + type);
        final List<Constructor<?>> injectable = Arrays.stream(plugin.getConstructors())
                .filter(c -> c.isAnnotationPresent(DataPrepperPluginConstructor.class)).collect(Collectors.toList());
        assertEquals(1, injectable.size(), plugin + " has one @DataPrepperPluginConstructor");
    }

    @Test
    void every_plugin_is_declared_as_upstream_names_it() {
        assertPlugin(FileSource.class, "file", Source.class, FileSourceConfig.class);
        assertPlugin(CopyValueProcessor.class, "copy_values", Processor.class, CopyValueProcessorConfig.class);
        assertPlugin(AddEntryProcessor.class, "add_entries", Processor.class, AddEntryProcessorConfig.class);
        assertPlugin(DeleteEntryProcessor.class, "delete_entries", Processor.class, DeleteEntryProcessorConfig.class);
        assertPlugin(StdoutSink.class, "stdout", Sink.class, PluginSetting.class);
        assertPlugin(FileSink.class, "file", Sink.class, FileSinkConfig.class);
        assertPlugin(NdjsonInputCodec.class, "ndjson", InputCodec.class, NdjsonInputCodecConfig.class);
        assertPlugin(JsonInputCodec.class, "json", InputCodec.class, JsonInputCodecConfig.class);
        assertPlugin(NewlineDelimitedInputCodec.class, "newline", InputCodec.class, NewlineDelimitedInputCodecConfig.class);
        assertPlugin(CsvInputCodec.class, "csv", InputCodec.class, CsvInputCodecConfig.class);
    }

    @Test
    void the_packages_file_names_every_plugin_package() throws IOException {
        final Properties properties = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/data-prepper.plugins.properties")) {
            assertNotNull(in);
            properties.load(in);
        }
        final Set<String> packages = Arrays.stream(properties.getProperty("org.opensearch.dataprepper.plugin.packages").split(","))
                .map(String::trim).collect(Collectors.toSet());
        for (final Class<?> plugin : List.of(FileSource.class, CopyValueProcessor.class, StdoutSink.class, NdjsonInputCodec.class)) {
            assertTrue(packages.contains(plugin.getPackageName()), plugin.getPackageName());
        }
    }
}
