package dev.mlbatch.runtime.config;

import java.nio.file.Path;

/** Where in the configuration something is: file, pipeline, plugin, key, and (for YAML syntax) line and column. */
public record ConfigLocation(Path file, String pipeline, String plugin, String key, int line, int column) {

    public static ConfigLocation ofFile(final Path file) {
        return new ConfigLocation(file, null, null, null, 0, 0);
    }

    public ConfigLocation pipeline(final String pipelineName) {
        return new ConfigLocation(file, pipelineName, plugin, key, line, column);
    }

    public ConfigLocation plugin(final String pluginName) {
        return new ConfigLocation(file, pipeline, pluginName, key, line, column);
    }

    public ConfigLocation key(final String keyPath) {
        return new ConfigLocation(file, pipeline, plugin, keyPath, line, column);
    }

    public ConfigLocation at(final int lineNumber, final int columnNumber) {
        return new ConfigLocation(file, pipeline, plugin, key, lineNumber, columnNumber);
    }

    /** e.g. {@code pipelines.yaml line 4 column 7, pipeline 'ingest', plugin 'copy_values', key 'entries[0].from_key'}. */
    public String describe() {
        final StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<config>" : file.getFileName().toString());
        if (line > 0) {
            sb.append(" line ").append(line);
            if (column > 0) {
                sb.append(" column ").append(column);
            }
        }
        if (pipeline != null) {
            sb.append(", pipeline '").append(pipeline).append('\'');
        }
        if (plugin != null) {
            sb.append(", plugin '").append(plugin).append('\'');
        }
        if (key != null && !key.isEmpty()) {
            sb.append(", key '").append(key).append('\'');
        }
        return sb.toString();
    }
}
