package org.opensearch.dataprepper.model.configuration;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.HashMap;
import java.util.Map;

/** A plugin reference in YAML: a single-key map {@code name: {settings}}. */
public class PluginModel {
    private String pluginName;
    private Map<String, Object> pluginSettings;

    public PluginModel(final String pluginName, final Map<String, Object> pluginSettings) {
        this.pluginName = pluginName;
        this.pluginSettings = pluginSettings;
    }

    @JsonCreator
    PluginModel() {
    }

    @JsonAnySetter
    void setPlugin(final String name, final Map<String, Object> settings) {
        if (pluginName != null) {
            throw new IllegalArgumentException("A plugin entry names exactly one plugin; found '" + pluginName + "' and '" + name + "'");
        }
        this.pluginName = name;
        this.pluginSettings = settings == null ? new HashMap<>() : settings;
    }

    @JsonAnyGetter
    Map<String, Object> asMap() {
        final Map<String, Object> map = new HashMap<>();
        map.put(pluginName, pluginSettings);
        return map;
    }

    public String getPluginName() {
        return pluginName;
    }

    public Map<String, Object> getPluginSettings() {
        return pluginSettings;
    }
}
