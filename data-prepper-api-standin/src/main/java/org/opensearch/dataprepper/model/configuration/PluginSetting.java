package org.opensearch.dataprepper.model.configuration;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A plugin's name and raw settings, plus the pipeline it runs in. */
public class PluginSetting implements PipelineDescription {
    private static final String UNEXPECTED_ATTRIBUTE_TYPE_MSG = "Unexpected type [%s] for attribute [%s]";

    private final String name;
    private Map<String, Object> settings;
    private int processWorkers;
    private String pipelineName;

    public PluginSetting(final String name, final Map<String, Object> settings) {
        this.name = name;
        this.settings = settings;
    }

    public String getName() {
        return name;
    }

    public Map<String, Object> getSettings() {
        return settings;
    }

    public void setSettings(final Map<String, Object> settings) {
        this.settings = settings;
    }

    @Override
    public int getNumberOfProcessWorkers() {
        return processWorkers;
    }

    public void setProcessWorkers(final int processWorkers) {
        this.processWorkers = processWorkers;
    }

    @Override
    public String getPipelineName() {
        return pipelineName;
    }

    public void setPipelineName(final String pipelineName) {
        this.pipelineName = pipelineName;
    }

    public Object getAttributeFromSettings(final String attribute) {
        return settings == null ? null : settings.get(attribute);
    }

    public Object getAttributeOrDefault(final String attribute, final Object defaultValue) {
        final Object value = getAttributeFromSettings(attribute);
        return value == null ? defaultValue : value;
    }

    public Integer getIntegerOrDefault(final String attribute, final int defaultValue) {
        final Object value = getAttributeFromSettings(attribute);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number) {
            return ((Number) value).intValue();
        }
        if (value instanceof String) {
            return Integer.parseInt((String) value);
        }
        throw new IllegalArgumentException(String.format(UNEXPECTED_ATTRIBUTE_TYPE_MSG, value.getClass(), attribute));
    }

    public Long getLongOrDefault(final String attribute, final long defaultValue) {
        final Object value = getAttributeFromSettings(attribute);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number) {
            return ((Number) value).longValue();
        }
        if (value instanceof String) {
            return Long.parseLong((String) value);
        }
        throw new IllegalArgumentException(String.format(UNEXPECTED_ATTRIBUTE_TYPE_MSG, value.getClass(), attribute));
    }

    public String getStringOrDefault(final String attribute, final String defaultValue) {
        final Object value = getAttributeFromSettings(attribute);
        return value == null ? defaultValue : value.toString();
    }

    public Boolean getBooleanOrDefault(final String attribute, final boolean defaultValue) {
        final Object value = getAttributeFromSettings(attribute);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        if (value instanceof String) {
            return Boolean.parseBoolean((String) value);
        }
        throw new IllegalArgumentException(String.format(UNEXPECTED_ATTRIBUTE_TYPE_MSG, value.getClass(), attribute));
    }

    @SuppressWarnings("unchecked")
    public <T> List<T> getTypedList(final String attribute, final Class<T> type) {
        final Object value = getAttributeFromSettings(attribute);
        if (value == null) {
            return null;
        }
        final List<?> list = (List<?>) value;
        for (final Object element : list) {
            if (element != null && !type.isInstance(element)) {
                throw new IllegalArgumentException(String.format(UNEXPECTED_ATTRIBUTE_TYPE_MSG, element.getClass(), attribute));
            }
        }
        return (List<T>) list;
    }

    @SuppressWarnings("unchecked")
    public <K, V> List<Map<K, V>> getTypedListOfMaps(final String attribute, final Class<K> keyType, final Class<V> valueType) {
        final Object value = getAttributeFromSettings(attribute);
        return value == null ? null : (List<Map<K, V>>) value;
    }

    @SuppressWarnings("unchecked")
    public <K, V> Map<K, V> getTypedMap(final String attribute, final Class<K> keyType, final Class<V> valueType) {
        final Object value = getAttributeFromSettings(attribute);
        return value == null ? Collections.emptyMap() : (Map<K, V>) value;
    }

    @SuppressWarnings("unchecked")
    public <K, V> Map<K, List<V>> getTypedListMap(final String attribute, final Class<K> keyType, final Class<V> valueType) {
        final Object value = getAttributeFromSettings(attribute);
        return value == null ? Collections.emptyMap() : (Map<K, List<V>>) value;
    }
}
