package dev.mlbatch.runtime.config;

import java.util.List;

/** A sink entry: the plugin plus the pipeline-level sink options upstream lets every sink have. */
public record SinkDefinition(PluginDefinition plugin, List<String> routes, String tagsTargetKey,
                             List<String> includeKeys, List<String> excludeKeys) {
}
