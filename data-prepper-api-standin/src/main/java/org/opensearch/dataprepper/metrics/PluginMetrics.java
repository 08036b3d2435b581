package org.opensearch.dataprepper.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import org.opensearch.dataprepper.model.configuration.PluginSetting;

import java.util.function.ToDoubleFunction;

/** Creates Micrometer meters named {@code <pipeline>.<plugin>.<metric>} in the global registry. */
public class PluginMetrics {
    private static final String DELIMITER = ".";
    private final String metricsPrefix;

    private PluginMetrics(final String metricsPrefix) {
        this.metricsPrefix = metricsPrefix;
    }

    public static PluginMetrics fromPluginSetting(final PluginSetting pluginSetting) {
        return fromPluginSetting(pluginSetting, pluginSetting.getName());
    }

    public static PluginMetrics fromPluginSetting(final PluginSetting pluginSetting, final String componentId) {
        if (pluginSetting.getPipelineName() == null) {
            throw new IllegalArgumentException("PluginSetting.pipelineName must be set");
        }
        return fromNames(componentId, pluginSetting.getPipelineName());
    }

    public static PluginMetrics fromNames(final String componentId, final String componentScope) {
        return new PluginMetrics(componentScope + DELIMITER + componentId);
    }

    public static PluginMetrics fromPrefix(final String prefix) {
        return new PluginMetrics(prefix);
    }

    private String name(final String metric) {
        return metricsPrefix + DELIMITER + metric;
    }

    public Counter counter(final String name) {
        return Metrics.counter(name(name));
    }

    public Counter counter(final String name, final String metricsPrefix) {
        return Metrics.counter(metricsPrefix + DELIMITER + name);
    }

    public Counter counterWithTags(final String name, final String... tags) {
        return Metrics.counter(name(name), tags);
    }

    public Timer timer(final String name) {
        return Metrics.timer(name(name));
    }

    public Timer timer(final String name, final String metricsPrefix) {
        return Metrics.timer(metricsPrefix + DELIMITER + name);
    }

    public Timer timerWithTags(final String name, final String... tags) {
        return Metrics.timer(name(name), tags);
    }

    public DistributionSummary summary(final String name) {
        return Metrics.summary(name(name));
    }

    public DistributionSummary summary(final String name, final String metricsPrefix) {
        return Metrics.summary(metricsPrefix + DELIMITER + name);
    }

    public <T extends Number> T gauge(final String name, final T number) {
        return Metrics.gauge(name(name), number);
    }

    public <T> T gauge(final String name, final T obj, final ToDoubleFunction<T> valueFunction) {
        return Metrics.gauge(name(name), obj, valueFunction);
    }

    public <T> T gaugeWithTags(final String name, final Iterable<Tag> tags, final T obj, final ToDoubleFunction<T> valueFunction) {
        return Metrics.gauge(name(name), tags, obj, valueFunction);
    }
}
