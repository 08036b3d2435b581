package dev.mlbatch.plugins.sink.s3;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import org.opensearch.dataprepper.metrics.PluginMetrics;

/** The sink's meters, named as upstream's s3 sink names them. */
public class S3SinkMetrics {
    final Counter objectsSucceeded;
    final Counter objectsFailed;
    final Counter objectsEventsSucceeded;
    final Counter objectsEventsFailed;
    final DistributionSummary objectSizeBytes;
    final Timer requestLatency;

    public S3SinkMetrics(final PluginMetrics pluginMetrics) {
        objectsSucceeded = pluginMetrics.counter("s3SinkObjectsSucceeded");
        objectsFailed = pluginMetrics.counter("s3SinkObjectsFailed");
        objectsEventsSucceeded = pluginMetrics.counter("s3SinkObjectsEventsSucceeded");
        objectsEventsFailed = pluginMetrics.counter("s3SinkObjectsEventsFailed");
        objectSizeBytes = pluginMetrics.summary("s3SinkObjectSizeBytes");
        requestLatency = pluginMetrics.timer("s3SinkRequestLatency");
    }
}
