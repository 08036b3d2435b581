package dev.mlbatch.plugins.testing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.opensearch.dataprepper.metrics.PluginMetrics;

import java.util.concurrent.atomic.AtomicInteger;

/** Plugin metrics that record into a real registry, under a pipeline name unique to each test. */
public final class TestMetrics {
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
    private static final AtomicInteger PIPELINES = new AtomicInteger();

    static {
        Metrics.globalRegistry.add(REGISTRY);
    }

    private final String prefix;
    private final PluginMetrics pluginMetrics;

    private TestMetrics(final String pipeline, final String plugin) {
        this.prefix = pipeline + "." + plugin + ".";
        this.pluginMetrics = PluginMetrics.fromNames(plugin, pipeline);
    }

    public static TestMetrics forPlugin(final String plugin) {
        return new TestMetrics("test-pipeline-" + PIPELINES.incrementAndGet(), plugin);
    }

    public PluginMetrics pluginMetrics() {
        return pluginMetrics;
    }

    public double counter(final String name) {
        final Counter counter = REGISTRY.find(prefix + name).counter();
        return counter == null ? 0 : counter.count();
    }
}
