package dev.mlbatch.runtime.config;

import java.util.Map;

/** One plugin as written in YAML: its name and its raw settings, plus where it was written. */
public record PluginDefinition(String name, Map<String, Object> settings, ConfigLocation location) {
}
