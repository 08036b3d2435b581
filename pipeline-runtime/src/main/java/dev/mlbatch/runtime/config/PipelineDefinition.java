package dev.mlbatch.runtime.config;

import java.util.List;

/** One pipeline of a pipelines YAML document, parsed but not yet instantiated. */
public record PipelineDefinition(String name, ConfigLocation location, PluginDefinition source, PluginDefinition buffer,
                                 List<PluginDefinition> processors, List<RouteDefinition> routes,
                                 List<SinkDefinition> sinks, int workers, int delayMillis) {
}
